import { toIsoUtc } from '../../common/time/iso';
import type { StockItemEntity, StockMovementEntity, WarehouseEntity } from './inventory.entities';

export const round2 = (n: number) => Math.round(n * 100) / 100;
export const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

export function toWarehouseResponse(w: WarehouseEntity) {
  return {
    id: w.id,
    code: w.code,
    name: w.name,
    address: w.address,
    contact_person: w.contactPerson,
    contact_email: w.contactEmail,
    notes: w.notes,
    is_active: w.isActive,
    created_at: toIsoUtc(w.createdAt),
    updated_at: toIsoUtc(w.updatedAt),
  };
}

export function toStockItemResponse(i: StockItemEntity, quantityOnHand = 0) {
  return {
    id: i.id,
    sku: i.sku,
    name: i.name,
    description: i.description,
    category: i.category,
    unit: i.unit,
    default_cost: i.defaultCost,
    default_price: i.defaultPrice,
    currency_code: i.currencyCode,
    reorder_point: i.reorderPoint,
    reorder_quantity: i.reorderQuantity,
    is_active: i.isActive,
    total_quantity_on_hand: round2(quantityOnHand),
    is_low_stock: i.reorderPoint !== null && i.reorderPoint > 0 && quantityOnHand < i.reorderPoint,
    created_at: toIsoUtc(i.createdAt),
    updated_at: toIsoUtc(i.updatedAt),
  };
}

export function toMovementResponse(m: StockMovementEntity) {
  return {
    id: m.id,
    movement_type: m.movementType,
    stock_item_id: m.stockItemId,
    warehouse_id: m.warehouseId,
    quantity: m.quantity,
    unit_cost: m.unitCost,
    reference_type: m.referenceType,
    reference_id: m.referenceId,
    reason: m.reason,
    notes: m.notes,
    moved_by: m.movedBy,
    moved_at: toIsoUtc(m.movedAt),
  };
}
