import { applyDecorators } from '@nestjs/common';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { IsDateTimeInput, IsId, IsIntInRange, Trim } from '../../../common/validation/validators';
import { MAX_ENTRY_SECONDS } from '../time-entry-rules';

/** Each time-entry field's validation, shared by create, update and the timer. */
export const TimeEntryFields = {
  id: () => IsId(),
  dateTime: () => IsDateTimeInput(),
  notes: () => applyDecorators(IsString(), MaxLength(5000)),
  tags: () => applyDecorators(Trim(), IsString(), MaxLength(500)),
  flag: () => IsBoolean(),
  /** Checked against the entry's span by TimeEntryRules.assertBreak. */
  breakSeconds: () => IsIntInRange(0, MAX_ENTRY_SECONDS),
  invoiceNumber: () => applyDecorators(Trim(), IsString(), MaxLength(100)),
};
