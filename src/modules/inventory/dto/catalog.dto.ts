import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsString, Matches, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { IsAmount, IsText, Optional, OptionalNullable, ToBoolean, Trim } from '../../../common/validation/validators';
import { STOCK_ITEM_SORTS, WAREHOUSE_SORTS } from '../inventory.sorts';
import { UpdatedSinceQuery } from '../../../common/time/updated-since';

const Upper = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value));
const Code = (length: number) =>
  Matches(new RegExp(`^[A-Z0-9_.-]{1,${length}}$`), {
    message: `$property must be 1-${length} letters, digits, "_", "." or "-"`,
  });

export class CreateWarehouseDto {
  @ApiProperty({ example: 'MAIN', description: 'Stored upper-cased; unique' })
  @Upper()
  @IsString()
  @Code(50)
  code: string;
  @ApiProperty({ example: 'Main warehouse' }) @IsText(200) name: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsString() @MaxLength(2000) address?:
    string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsText(200) contact_person?:
    string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @Trim()
  @IsEmail()
  @MaxLength(255)
  contact_email?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsString() @MaxLength(10_000) notes?:
    string | null;
  @ApiPropertyOptional({ default: true }) @Optional() @IsBoolean() is_active?: boolean;
}

export class UpdateWarehouseDto {
  @ApiPropertyOptional() @Optional() @Upper() @IsString() @Code(50) code?: string;
  @ApiPropertyOptional({ example: 'Main warehouse' }) @Optional() @IsText(200) name?: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsString() @MaxLength(2000) address?:
    string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsText(200) contact_person?:
    string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @Trim()
  @IsEmail()
  @MaxLength(255)
  contact_email?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsString() @MaxLength(10_000) notes?:
    string | null;
  @ApiPropertyOptional() @Optional() @IsBoolean() is_active?: boolean;
}

export class CreateStockItemDto {
  @ApiProperty({ example: 'WIDGET-1', description: 'Stored upper-cased; unique' })
  @Upper()
  @IsString()
  @Code(100)
  sku: string;
  @ApiProperty({ example: 'Widget' }) @IsText(200) name: string;
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Hardware' })
  @OptionalNullable()
  @IsText(100)
  category?: string | null;
  @ApiPropertyOptional({ default: 'pcs' }) @Optional() @IsText(20) unit?: string;
  @ApiPropertyOptional({ type: 'number', nullable: true, example: 8 }) @OptionalNullable() @IsAmount() default_cost?:
    number | null;
  @ApiPropertyOptional({ type: 'number', nullable: true, example: 12 }) @OptionalNullable() @IsAmount() default_price?:
    number | null;
  @ApiPropertyOptional({ default: 'EUR' })
  @Optional()
  @Upper()
  @Matches(/^[A-Z]{3}$/, { message: 'currency_code must be a 3-letter code' })
  currency_code?: string;
  @ApiPropertyOptional({ type: 'number', nullable: true, example: 20 }) @OptionalNullable() @IsAmount() reorder_point?:
    number | null;
  @ApiPropertyOptional({ type: 'number', nullable: true, example: 50 })
  @OptionalNullable()
  @IsAmount()
  reorder_quantity?: number | null;
  @ApiPropertyOptional({ default: true }) @Optional() @IsBoolean() is_active?: boolean;
}

export class UpdateStockItemDto {
  @ApiPropertyOptional({ type: 'string', nullable: true }) @Optional() @Upper() @IsString() @Code(100) sku?: string;
  @ApiPropertyOptional({ example: 'Widget' }) @Optional() @IsText(200) name?: string;
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) @OptionalNullable() @IsText(100) category?: string | null;
  @ApiPropertyOptional() @Optional() @IsText(20) unit?: string;
  @ApiPropertyOptional({ type: 'number', nullable: true }) @OptionalNullable() @IsAmount() default_cost?: number | null;
  @ApiPropertyOptional({ type: 'number', nullable: true }) @OptionalNullable() @IsAmount() default_price?:
    number | null;
  @ApiPropertyOptional()
  @Optional()
  @Upper()
  @Matches(/^[A-Z]{3}$/, { message: 'currency_code must be a 3-letter code' })
  currency_code?: string;
  @ApiPropertyOptional({ type: 'number', nullable: true }) @OptionalNullable() @IsAmount() reorder_point?:
    number | null;
  @ApiPropertyOptional({ type: 'number', nullable: true }) @OptionalNullable() @IsAmount() reorder_quantity?:
    number | null;
  @ApiPropertyOptional() @Optional() @IsBoolean() is_active?: boolean;
}

export class ListCatalogQueryDto extends PaginationQueryDto {
  @UpdatedSinceQuery()
  updated_since?: string;

  @ApiPropertyOptional({ default: true, description: 'false includes deactivated ones' })
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'active_only must be true or false' })
  active_only?: boolean;

  @ApiPropertyOptional({ description: 'Code/SKU or name contains (case-insensitive)' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Items only: exact category' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(100)
  category?: string;
}

export class ListWarehousesQueryDto extends ListCatalogQueryDto {
  @SortQuery(WAREHOUSE_SORTS, 'name')
  sort?: string;
}

export class ListStockItemsQueryDto extends ListCatalogQueryDto {
  @SortQuery(STOCK_ITEM_SORTS, 'sku')
  sort?: string;
}
