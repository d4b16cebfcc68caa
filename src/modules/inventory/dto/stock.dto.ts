import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Max, MaxLength, Min } from 'class-validator';
import { PaginationQueryDto, ToInteger } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import {
  IsAmount,
  IsDateTimeInput,
  IsDecimal,
  IsId,
  Optional,
  OptionalNullable,
  Trim,
} from '../../../common/validation/validators';
import { STOCK_LEVEL_SORTS, TRANSFER_SORTS } from '../inventory.sorts';

export const MANUAL_MOVEMENT_TYPES = ['purchase', 'sale', 'usage', 'adjustment', 'return', 'waste'] as const;
export type ManualMovementType = (typeof MANUAL_MOVEMENT_TYPES)[number];

const Quantity = () => IsDecimal(2);

export class CreateMovementDto {
  @ApiProperty({
    enum: MANUAL_MOVEMENT_TYPES,
    description: 'purchase/return add, sale/usage/waste remove, adjustment either',
  })
  @IsIn(MANUAL_MOVEMENT_TYPES)
  movement_type: ManualMovementType;

  @ApiProperty() @IsId() stock_item_id: number;
  @ApiProperty() @IsId() warehouse_id: number;

  @ApiProperty({ example: 10, description: 'Signed: positive in, negative out. Outbound types accept either sign.' })
  @Quantity()
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  quantity: number;

  @ApiPropertyOptional({
    type: 'number',
    nullable: true,
    description: "Inbound cost per unit (default: the item's default_cost)",
  })
  @OptionalNullable()
  @IsAmount()
  unit_cost?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @Trim()
  @IsString()
  @MaxLength(500)
  reason?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsString() @MaxLength(10_000) notes?:
    string | null;
}

export class CreateTransferDto {
  @ApiProperty() @IsId() stock_item_id: number;
  @ApiProperty() @IsId() from_warehouse_id: number;
  @ApiProperty() @IsId() to_warehouse_id: number;

  @ApiProperty({ example: 10, description: 'Positive' })
  @Quantity()
  @Min(0.01, { message: 'quantity must be positive' })
  @Max(1_000_000_000)
  quantity: number;

  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsString() @MaxLength(10_000) notes?:
    string | null;
}

export class ListTransfersQueryDto extends PaginationQueryDto {
  @SortQuery(TRANSFER_SORTS, 'moved_at')
  sort?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'moved_at on or after' })
  @Optional()
  @IsDateTimeInput(true)
  date_from?: string;

  @ApiPropertyOptional({ example: '2026-01-31', description: 'moved_at on or before (date-only: the whole day)' })
  @Optional()
  @IsDateTimeInput(true)
  date_to?: string;
}

export class StockLevelsQueryDto extends PaginationQueryDto {
  @SortQuery(STOCK_LEVEL_SORTS, 'quantity_on_hand,sku')
  sort?: string;

  @ApiPropertyOptional() @Optional() @ToInteger() @IsId() warehouse_id?: number;
  @ApiPropertyOptional() @Optional() @ToInteger() @IsId() stock_item_id?: number;
  @ApiPropertyOptional() @Optional() @Trim() @IsString() @MaxLength(100) category?: string;
}
