import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { Optional } from '../../../common/validation/validators';

export class UpdateSettingsDto {
  @ApiPropertyOptional({ example: false, description: 'false: every inventory route answers 403 module_disabled' })
  @Optional()
  @IsBoolean()
  inventory_enabled?: boolean;
}

export class SettingsResponseDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty() inventory_enabled: boolean;
}
