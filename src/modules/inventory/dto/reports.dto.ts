import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { PaginationQueryDto, ToInteger } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { IsDateTimeInput, IsId, Optional, Trim } from '../../../common/validation/validators';
import { MOVEMENT_TYPES, type MovementType } from '../inventory.entities';
import { MOVEMENT_SORTS } from '../inventory.sorts';

export class ValuationQueryDto {
  @ApiPropertyOptional() @Optional() @ToInteger() @IsId() warehouse_id?: number;
  @ApiPropertyOptional() @Optional() @Trim() @IsString() @MaxLength(100) category?: string;
  @ApiPropertyOptional({ example: 'EUR' })
  @Optional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @Matches(/^[A-Z]{3}$/, { message: 'currency_code must be a 3-letter code' })
  currency_code?: string;
}

export class MovementHistoryQueryDto extends PaginationQueryDto {
  @SortQuery(MOVEMENT_SORTS, 'moved_at')
  sort?: string;

  @ApiPropertyOptional() @Optional() @IsDateTimeInput(true) date_from?: string;
  @ApiPropertyOptional({ description: 'Date-only: the whole day' }) @Optional() @IsDateTimeInput(true) date_to?: string;
  @ApiPropertyOptional() @Optional() @ToInteger() @IsId() stock_item_id?: number;
  @ApiPropertyOptional() @Optional() @ToInteger() @IsId() warehouse_id?: number;
  @ApiPropertyOptional({ enum: MOVEMENT_TYPES }) @Optional() @IsIn(MOVEMENT_TYPES) movement_type?: MovementType;
}

export class TurnoverQueryDto {
  @ApiPropertyOptional({ description: 'Default: 365 days before end_date' })
  @Optional()
  @IsDateTimeInput(true)
  start_date?: string;
  @ApiPropertyOptional({ description: 'Default: now; date-only: the whole day' })
  @Optional()
  @IsDateTimeInput(true)
  end_date?: string;
  @ApiPropertyOptional() @Optional() @ToInteger() @IsId() item_id?: number;
}

export class LowStockQueryDto {
  @ApiPropertyOptional() @Optional() @ToInteger() @IsId() warehouse_id?: number;
}
