import { ApiProperty } from '@nestjs/swagger';
import { PaginationDto } from '../../../common/pagination/pagination.dto';
import { MOVEMENT_TYPES } from '../inventory.entities';

const nullableString = { type: 'string', nullable: true } as const;
const nullableNumber = { type: 'number', nullable: true } as const;

export class WarehouseResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'MAIN' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty(nullableString) address: string | null;
  @ApiProperty(nullableString) contact_person: string | null;
  @ApiProperty(nullableString) contact_email: string | null;
  @ApiProperty(nullableString) notes: string | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class WarehouseEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: WarehouseResponseDto }) warehouse: WarehouseResponseDto;
}

export class WarehouseListDto {
  @ApiProperty({ type: [WarehouseResponseDto] }) warehouses: WarehouseResponseDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class StockItemResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'WIDGET-1' }) sku: string;
  @ApiProperty() name: string;
  @ApiProperty(nullableString) description: string | null;
  @ApiProperty(nullableString) category: string | null;
  @ApiProperty({ example: 'pcs' }) unit: string;
  @ApiProperty(nullableNumber) default_cost: number | null;
  @ApiProperty(nullableNumber) default_price: number | null;
  @ApiProperty({ example: 'EUR' }) currency_code: string;
  @ApiProperty(nullableNumber) reorder_point: number | null;
  @ApiProperty(nullableNumber) reorder_quantity: number | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty() total_quantity_on_hand: number;
  @ApiProperty() is_low_stock: boolean;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class StockItemEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: StockItemResponseDto }) item: StockItemResponseDto;
}

export class StockItemListDto {
  @ApiProperty({ type: [StockItemResponseDto] }) items: StockItemResponseDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class MovementResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: MOVEMENT_TYPES }) movement_type: string;
  @ApiProperty() stock_item_id: number;
  @ApiProperty() warehouse_id: number;
  @ApiProperty({ description: 'Signed: positive in, negative out' }) quantity: number;
  @ApiProperty(nullableNumber) unit_cost: number | null;
  @ApiProperty(nullableString) reference_type: string | null;
  @ApiProperty({ type: 'integer', format: 'int64', nullable: true }) reference_id: number | null;
  @ApiProperty(nullableString) reason: string | null;
  @ApiProperty(nullableString) notes: string | null;
  @ApiProperty() moved_by: number;
  @ApiProperty() moved_at: string;
}

export class MovementEnvelopeDto {
  @ApiProperty({ type: MovementResponseDto }) movement: MovementResponseDto;
}

export class UpdatedStockDto {
  @ApiProperty() warehouse_id: number;
  @ApiProperty() stock_item_id: number;
  @ApiProperty() quantity_on_hand: number;
  @ApiProperty() average_cost: number;
}

export class MovementResultDto {
  @ApiProperty() message: string;
  @ApiProperty({ type: MovementResponseDto }) movement: MovementResponseDto;
  @ApiProperty({ type: UpdatedStockDto }) updated_stock: UpdatedStockDto;
}

export class StockLevelDto {
  @ApiProperty() warehouse_id: number;
  @ApiProperty(nullableString) warehouse_code: string | null;
  @ApiProperty(nullableString) warehouse_name: string | null;
  @ApiProperty() stock_item_id: number;
  @ApiProperty(nullableString) sku: string | null;
  @ApiProperty(nullableString) item_name: string | null;
  @ApiProperty() quantity_on_hand: number;
  @ApiProperty() average_cost: number;
  @ApiProperty() value: number;
}

export class StockLevelListDto {
  @ApiProperty({ type: [StockLevelDto] }) stock_levels: StockLevelDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class TransferLegDto {
  @ApiProperty() movement_id: number;
  @ApiProperty({ type: MovementResponseDto }) movement: MovementResponseDto;
}

export class TransferCreatedDto {
  @ApiProperty({ example: 'Stock transfer completed successfully' }) message: string;
  @ApiProperty({ type: 'integer', format: 'int64' }) reference_id: number;
  @ApiProperty({ type: [TransferLegDto], description: 'Outbound leg first' }) transfers: TransferLegDto[];
}

export class TransferSummaryDto {
  @ApiProperty({ type: 'integer', format: 'int64' }) reference_id: number;
  @ApiProperty() moved_at: string;
  @ApiProperty() stock_item_id: number;
  @ApiProperty() from_warehouse_id: number;
  @ApiProperty() to_warehouse_id: number;
  @ApiProperty() quantity: number;
  @ApiProperty(nullableString) notes: string | null;
  @ApiProperty({ type: [Number] }) movement_ids: number[];
}

export class TransferListDto {
  @ApiProperty({ type: [TransferSummaryDto] }) transfers: TransferSummaryDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class TransferDetailDto {
  @ApiProperty({ type: 'integer', format: 'int64' }) reference_id: number;
  @ApiProperty() moved_at: string;
  @ApiProperty() stock_item_id: number;
  @ApiProperty() from_warehouse_id: number;
  @ApiProperty() to_warehouse_id: number;
  @ApiProperty() quantity: number;
  @ApiProperty(nullableString) notes: string | null;
  @ApiProperty({ type: [MovementResponseDto] }) movements: MovementResponseDto[];
}

export class TransferEnvelopeDto {
  @ApiProperty({ type: TransferDetailDto }) transfer: TransferDetailDto;
}

export class ValuationRowDto {
  @ApiProperty() item_id: number;
  @ApiProperty() sku: string;
  @ApiProperty() name: string;
  @ApiProperty(nullableString) category: string | null;
  @ApiProperty() warehouse_id: number;
  @ApiProperty() warehouse_name: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ description: 'Moving average unit cost' }) cost: number;
  @ApiProperty() value: number;
  @ApiProperty() currency: string;
}

export class ValuationReportDto {
  @ApiProperty() total_value: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: 'integer', nullable: true }) warehouse_id: number | null;
  @ApiProperty(nullableString) category: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Keyed "<name> (<code>)"' })
  by_warehouse: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Keyed by category ("Uncategorized" for none)',
  })
  by_category: Record<string, unknown>;
  @ApiProperty({ type: [ValuationRowDto] }) item_details: ValuationRowDto[];
}

export class HistoryRowDto {
  @ApiProperty() id: number;
  @ApiProperty() date: string;
  @ApiProperty() item_id: number;
  @ApiProperty(nullableString) item_sku: string | null;
  @ApiProperty(nullableString) item_name: string | null;
  @ApiProperty() warehouse_id: number;
  @ApiProperty(nullableString) warehouse_name: string | null;
  @ApiProperty() quantity: number;
  @ApiProperty({ enum: MOVEMENT_TYPES }) type: string;
  @ApiProperty({ ...nullableString, example: 'transfer#42' }) reference: string | null;
  @ApiProperty(nullableString) notes: string | null;
}

export class MovementHistoryReportDto {
  @ApiProperty({ type: [HistoryRowDto] }) movements: HistoryRowDto[];
  @ApiProperty() total_movements: number;
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class TurnoverRowDto {
  @ApiProperty() item_id: number;
  @ApiProperty() sku: string;
  @ApiProperty() name: string;
  @ApiProperty() quantity_sold: number;
  @ApiProperty() avg_stock: number;
  @ApiProperty() turnover_rate: number;
  @ApiProperty() days_on_hand: number;
}

export class TurnoverReportDto {
  @ApiProperty() start_date: string;
  @ApiProperty() end_date: string;
  @ApiProperty() days: number;
  @ApiProperty({ type: [TurnoverRowDto] }) items: TurnoverRowDto[];
}

export class LowStockRowDto {
  @ApiProperty() item_id: number;
  @ApiProperty() item_sku: string;
  @ApiProperty() item_name: string;
  @ApiProperty() warehouse_id: number;
  @ApiProperty() warehouse_code: string;
  @ApiProperty() warehouse_name: string;
  @ApiProperty() quantity_on_hand: number;
  @ApiProperty(nullableNumber) reorder_point: number | null;
  @ApiProperty() reorder_quantity: number;
  @ApiProperty() shortfall: number;
}

export class LowStockReportDto {
  @ApiProperty({ type: [LowStockRowDto] }) items: LowStockRowDto[];
}
