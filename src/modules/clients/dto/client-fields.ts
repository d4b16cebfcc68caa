import { applyDecorators } from '@nestjs/common';
import { IsEmail, IsIn, IsString, MaxLength } from 'class-validator';
import { IsAmount, IsText, Trim } from '../../../common/validation/validators';
import { CLIENT_STATUSES } from '../client.entity';

/** Each client field's validation, shared by create (required or optional) and update (optional). */
export const ClientFields = {
  name: () => IsText(200),
  email: () => applyDecorators(Trim(), IsEmail({}, { message: 'email must be an email address' }), MaxLength(255)),
  company: () => IsText(200),
  phone: () => applyDecorators(Trim(), IsString(), MaxLength(50)),
  address: () => applyDecorators(IsString(), MaxLength(2000)),
  contactPerson: () => IsText(200),
  description: () => applyDecorators(IsString(), MaxLength(10_000)),
  rate: () => IsAmount(),
  status: () => IsIn(CLIENT_STATUSES),
};
