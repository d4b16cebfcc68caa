import { applyDecorators } from '@nestjs/common';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { IsDateTimeInput, IsId, Trim } from '../../../common/validation/validators';

/** Each time-entry field's validation, shared by create, update and the timer. */
export const TimeEntryFields = {
  id: () => IsId(),
  dateTime: () => IsDateTimeInput(),
  notes: () => applyDecorators(IsString(), MaxLength(5000)),
  tags: () => applyDecorators(Trim(), IsString(), MaxLength(500)),
  flag: () => IsBoolean(),
  invoiceNumber: () => applyDecorators(Trim(), IsString(), MaxLength(100)),
};
