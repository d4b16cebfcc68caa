import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { IsAmount, IsId, IsText } from '../../../common/validation/validators';
import { PROJECT_STATUSES } from '../project.entity';

/** Each project field's validation, shared by create and update. */
export const ProjectFields = {
  name: () => IsText(200),
  description: () => applyDecorators(IsString(), MaxLength(10_000)),
  clientId: () => IsId(),
  code: () =>
    applyDecorators(
      Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)),
      IsString(),
      Matches(/^[A-Z0-9_.-]{1,20}$/, { message: 'code must be 1-20 letters, digits, "_", "." or "-"' }),
    ),
  billable: () => IsBoolean(),
  amount: () => IsAmount(),
  hours: () => IsAmount(10_000_000),
  color: () => Matches(/^#[0-9A-Fa-f]{6}$/, { message: 'color must be #RRGGBB' }),
  status: () => IsIn(PROJECT_STATUSES),
};
