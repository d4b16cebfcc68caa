import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional } from '../../../common/validation/validators';
import { CLIENT_STATUSES, type ClientStatus } from '../client.entity';
import { ClientFields } from './client-fields';

export class CreateClientDto {
  @ApiProperty({ example: 'Acme Corp', description: 'Unique' })
  @ClientFields.name()
  name: string;

  @ApiPropertyOptional({ example: 'contact@acme.com' })
  @Optional()
  @ClientFields.email()
  email?: string;

  @ApiPropertyOptional({ example: 'Acme Corporation' })
  @Optional()
  @ClientFields.company()
  company?: string;

  @ApiPropertyOptional({ example: '+1-555-0123' })
  @Optional()
  @ClientFields.phone()
  phone?: string;

  @ApiPropertyOptional()
  @Optional()
  @ClientFields.address()
  address?: string;

  @ApiPropertyOptional()
  @Optional()
  @ClientFields.contactPerson()
  contact_person?: string;

  @ApiPropertyOptional()
  @Optional()
  @ClientFields.description()
  description?: string;

  @ApiPropertyOptional({ example: 85.0 })
  @Optional()
  @ClientFields.rate()
  default_hourly_rate?: number;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES, default: 'active' })
  @Optional()
  @ClientFields.status()
  status?: ClientStatus;
}
