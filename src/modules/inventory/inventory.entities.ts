import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { columnTypes } from '../../database/column-types';
import { decimalTransformer } from '../../database/decimal.transformer';
import { UserEntity } from '../users/user.entity';

const amount = (name: string, precision = 14, scale = 2) =>
  Column({ name, type: 'decimal', precision, scale, transformer: decimalTransformer });
const optionalAmount = (name: string) =>
  Column({ name, type: 'decimal', precision: 14, scale: 2, nullable: true, transformer: decimalTransformer });

/** bigint as a JS number (reference ids stay far below 2^53). */
const bigintTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

export const MOVEMENT_TYPES = ['purchase', 'sale', 'usage', 'adjustment', 'return', 'waste', 'transfer'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

@Entity({ name: 'warehouses' })
@Unique('uq_warehouses_code', ['code'])
export class WarehouseEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  /** Upper-cased. */
  @Column({ name: 'code', type: 'varchar', length: 50 }) code: string;
  @Column({ name: 'name', type: 'varchar', length: 200 }) name: string;
  @Column({ name: 'address', type: 'text', nullable: true }) address: string | null;
  @Column({ name: 'contact_person', type: 'varchar', length: 200, nullable: true }) contactPerson: string | null;
  @Column({ name: 'contact_email', type: 'varchar', length: 255, nullable: true }) contactEmail: string | null;
  @Column({ name: 'notes', type: 'text', nullable: true }) notes: string | null;
  @Column({ name: 'is_active', type: 'boolean', default: true }) isActive: boolean;
  @Column({ name: 'created_at', type: columnTypes.timestamp }) createdAt: Date;
  @Column({ name: 'updated_at', type: columnTypes.timestamp }) updatedAt: Date;
}

@Entity({ name: 'stock_items' })
@Unique('uq_stock_items_sku', ['sku'])
@Index('idx_stock_items_category', ['category'])
export class StockItemEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  /** Upper-cased. */
  @Column({ name: 'sku', type: 'varchar', length: 100 }) sku: string;
  @Column({ name: 'name', type: 'varchar', length: 200 }) name: string;
  @Column({ name: 'description', type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'category', type: 'varchar', length: 100, nullable: true }) category: string | null;
  @Column({ name: 'unit', type: 'varchar', length: 20, default: 'pcs' }) unit: string;
  @optionalAmount('default_cost') defaultCost: number | null;
  @optionalAmount('default_price') defaultPrice: number | null;
  @Column({ name: 'currency_code', type: 'varchar', length: 3, default: 'EUR' }) currencyCode: string;
  @optionalAmount('reorder_point') reorderPoint: number | null;
  @optionalAmount('reorder_quantity') reorderQuantity: number | null;
  @Column({ name: 'is_active', type: 'boolean', default: true }) isActive: boolean;
  @Column({ name: 'created_at', type: columnTypes.timestamp }) createdAt: Date;
  @Column({ name: 'updated_at', type: columnTypes.timestamp }) updatedAt: Date;
}

/** On-hand quantity and moving average cost of one item in one warehouse. */
@Entity({ name: 'warehouse_stock' })
@Unique('uq_warehouse_stock_item', ['warehouseId', 'stockItemId'])
@Index('idx_warehouse_stock_item', ['stockItemId'])
export class WarehouseStockEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  @Column({ name: 'warehouse_id', type: 'integer' }) warehouseId: number;
  @ManyToOne(() => WarehouseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'warehouse_id', foreignKeyConstraintName: 'fk_warehouse_stock_warehouse_id' })
  warehouse?: WarehouseEntity;
  @Column({ name: 'stock_item_id', type: 'integer' }) stockItemId: number;
  @ManyToOne(() => StockItemEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'stock_item_id', foreignKeyConstraintName: 'fk_warehouse_stock_stock_item_id' })
  stockItem?: StockItemEntity;
  @amount('quantity_on_hand') quantityOnHand: number;
  @amount('average_cost', 14, 4) averageCost: number;
  @Column({ name: 'updated_at', type: columnTypes.timestamp }) updatedAt: Date;
}

@Entity({ name: 'stock_movements' })
@Index('idx_stock_movements_reference', ['referenceType', 'referenceId'])
@Index('idx_stock_movements_item_moved', ['stockItemId', 'movedAt'])
@Index('idx_stock_movements_warehouse_moved', ['warehouseId', 'movedAt'])
@Index('idx_stock_movements_moved', ['movedAt'])
export class StockMovementEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  @Column({ name: 'movement_type', type: 'varchar', length: 20 }) movementType: MovementType;
  @Column({ name: 'stock_item_id', type: 'integer' }) stockItemId: number;
  @ManyToOne(() => StockItemEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'stock_item_id', foreignKeyConstraintName: 'fk_stock_movements_stock_item_id' })
  stockItem?: StockItemEntity;
  @Column({ name: 'warehouse_id', type: 'integer' }) warehouseId: number;
  @ManyToOne(() => WarehouseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'warehouse_id', foreignKeyConstraintName: 'fk_stock_movements_warehouse_id' })
  warehouse?: WarehouseEntity;
  /** Signed: positive in, negative out. */
  @amount('quantity') quantity: number;
  @Column({
    name: 'unit_cost',
    type: 'decimal',
    precision: 14,
    scale: 4,
    nullable: true,
    transformer: decimalTransformer,
  })
  unitCost: number | null;
  @Column({ name: 'reference_type', type: 'varchar', length: 50, nullable: true }) referenceType: string | null;
  /** 64-bit; for transfers the outbound leg's own id, shared by both legs. */
  @Column({ name: 'reference_id', type: 'bigint', nullable: true, transformer: bigintTransformer }) referenceId:
    number | null;
  @Column({ name: 'reason', type: 'varchar', length: 500, nullable: true }) reason: string | null;
  @Column({ name: 'notes', type: 'text', nullable: true }) notes: string | null;
  @Column({ name: 'moved_by', type: 'integer' }) movedBy: number;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'moved_by', foreignKeyConstraintName: 'fk_stock_movements_moved_by' })
  mover?: UserEntity;
  @Column({ name: 'moved_at', type: columnTypes.timestamp }) movedAt: Date;
}
