import { ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { CLIENT_STATUSES, type ClientStatus } from '../client.entity';
import { ClientFields } from './client-fields';

/** PUT and PATCH alike: only the fields sent change; `null` clears an optional field. */
export class UpdateClientDto {
  @ApiPropertyOptional({ example: 'Acme Corp' })
  @Optional()
  @ClientFields.name()
  name?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ClientFields.email()
  email?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ClientFields.company()
  company?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ClientFields.phone()
  phone?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ClientFields.address()
  address?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ClientFields.contactPerson()
  contact_person?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ClientFields.description()
  description?: string | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  @OptionalNullable()
  @ClientFields.rate()
  default_hourly_rate?: number | null;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES })
  @Optional()
  @ClientFields.status()
  status?: ClientStatus;
}
