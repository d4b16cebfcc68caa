import { listSorts, type SortFields } from '../../common/pagination/list-order';
import type { StockItemEntity, StockMovementEntity, WarehouseEntity, WarehouseStockEntity } from './inventory.entities';

/** The fields the warehouse list can be ordered by. */
export const WAREHOUSE_SORT: SortFields<WarehouseEntity> = {
  code: { column: 'w.code', type: 'string', value: (w) => w.code },
  name: { column: 'w.name', type: 'string', value: (w) => w.name },
  created_at: { column: 'w.created_at', type: 'timestamp', value: (w) => w.createdAt },
  updated_at: { column: 'w.updated_at', type: 'timestamp', value: (w) => w.updatedAt },
  id: { column: 'w.id', type: 'integer', value: (w) => w.id },
};

/** By code (unique; id only ends the order as everywhere). */
export const WAREHOUSE_SORTS = listSorts('warehouses', WAREHOUSE_SORT, 'code,id');

/** The fields the stock item list can be ordered by. */
export const STOCK_ITEM_SORT: SortFields<StockItemEntity> = {
  name: { column: 'i.name', type: 'string', value: (i) => i.name },
  sku: { column: 'i.sku', type: 'string', value: (i) => i.sku },
  category: { column: 'i.category', type: 'string', nullable: true, value: (i) => i.category },
  created_at: { column: 'i.created_at', type: 'timestamp', value: (i) => i.createdAt },
  updated_at: { column: 'i.updated_at', type: 'timestamp', value: (i) => i.updatedAt },
  id: { column: 'i.id', type: 'integer', value: (i) => i.id },
};

/** By name, then id. */
export const STOCK_ITEM_SORTS = listSorts('stock_items', STOCK_ITEM_SORT, 'name,id');

/** The fields the movement history can be ordered by (idx_stock_movements_moved serves moved_at). */
export const MOVEMENT_SORT: SortFields<StockMovementEntity> = {
  moved_at: { column: 'm.moved_at', type: 'timestamp', value: (m) => m.movedAt },
  id: { column: 'm.id', type: 'integer', value: (m) => m.id },
};

/** Newest first. */
export const MOVEMENT_SORTS = listSorts('stock_movements', MOVEMENT_SORT, '-moved_at,-id');

/** A transfer as its list reads it: the outbound leg (`o`) joined to the inbound one. */
export interface TransferRow {
  out_id: number;
  in_id: number;
  reference_id: string | number;
  moved_at: Date | string;
  stock_item_id: number;
  from_warehouse_id: number;
  to_warehouse_id: number;
  quantity: string | number;
  notes: string | null;
}

/** The fields the transfer list can be ordered by (a transfer is its outbound leg, `o`). */
export const TRANSFER_SORT: SortFields<TransferRow> = {
  moved_at: { column: 'o.moved_at', type: 'timestamp', value: (r) => r.moved_at },
  id: { column: 'o.id', type: 'integer', value: (r) => r.out_id },
};

/** Newest first. */
export const TRANSFER_SORTS = listSorts('stock_transfers', TRANSFER_SORT, '-moved_at,-id');

/** The fields the stock level list can be ordered by. */
export const STOCK_LEVEL_SORT: SortFields<WarehouseStockEntity> = {
  warehouse_code: { column: 'w.code', type: 'string', value: (s) => s.warehouse?.code },
  sku: { column: 'i.sku', type: 'string', value: (s) => s.stockItem?.sku },
  quantity_on_hand: { column: 's.quantity_on_hand', type: 'number', value: (s) => s.quantityOnHand },
  id: { column: 's.id', type: 'integer', value: (s) => s.id },
};

/** By warehouse code, then SKU (the pair is unique; id only ends the order as everywhere). */
export const STOCK_LEVEL_SORTS = listSorts('stock_levels', STOCK_LEVEL_SORT, 'warehouse_code,sku,id');
