import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { portableTypes } from './portable-types';

const id = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment' as const,
};
const amount = (name: string, nullable = false, scale = 2) => ({
  name,
  type: 'decimal',
  precision: 14,
  scale,
  isNullable: nullable,
});
const fk = (table: string, column: string, target: string, onDelete: string) => ({
  name: `fk_${table}_${column}`,
  columnNames: [column],
  referencedTableName: target,
  referencedColumnNames: ['id'],
  onDelete,
});

export class CreateInventory1764400000005 implements MigrationInterface {
  name = 'CreateInventory1764400000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    const stamps = [
      { name: 'created_at', type: t.timestamp },
      { name: 'updated_at', type: t.timestamp },
    ];
    await queryRunner.createTable(
      new Table({
        name: 'warehouses',
        columns: [
          id,
          { name: 'code', type: 'varchar', length: '50' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'address', type: 'text', isNullable: true },
          { name: 'contact_person', type: 'varchar', length: '200', isNullable: true },
          { name: 'contact_email', type: 'varchar', length: '255', isNullable: true },
          { name: 'notes', type: 'text', isNullable: true },
          { name: 'is_active', type: 'boolean', default: t.true },
          ...stamps,
        ],
        uniques: [{ name: 'uq_warehouses_code', columnNames: ['code'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'stock_items',
        columns: [
          id,
          { name: 'sku', type: 'varchar', length: '100' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'category', type: 'varchar', length: '100', isNullable: true },
          { name: 'unit', type: 'varchar', length: '20', default: "'pcs'" },
          amount('default_cost', true),
          amount('default_price', true),
          { name: 'currency_code', type: 'varchar', length: '3', default: "'EUR'" },
          amount('reorder_point', true),
          amount('reorder_quantity', true),
          { name: 'is_active', type: 'boolean', default: t.true },
          ...stamps,
        ],
        uniques: [{ name: 'uq_stock_items_sku', columnNames: ['sku'] }],
        indices: [{ name: 'idx_stock_items_category', columnNames: ['category'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'warehouse_stock',
        columns: [
          id,
          { name: 'warehouse_id', type: 'integer' },
          { name: 'stock_item_id', type: 'integer' },
          amount('quantity_on_hand'),
          amount('average_cost', false, 4),
          { name: 'updated_at', type: t.timestamp },
        ],
        uniques: [{ name: 'uq_warehouse_stock_item', columnNames: ['warehouse_id', 'stock_item_id'] }],
        indices: [{ name: 'idx_warehouse_stock_item', columnNames: ['stock_item_id'] }],
        foreignKeys: [
          fk('warehouse_stock', 'warehouse_id', 'warehouses', 'CASCADE'),
          fk('warehouse_stock', 'stock_item_id', 'stock_items', 'CASCADE'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'stock_movements',
        columns: [
          id,
          { name: 'movement_type', type: 'varchar', length: '20' },
          { name: 'stock_item_id', type: 'integer' },
          { name: 'warehouse_id', type: 'integer' },
          amount('quantity'),
          amount('unit_cost', true, 4),
          { name: 'reference_type', type: 'varchar', length: '50', isNullable: true },
          { name: 'reference_id', type: 'bigint', isNullable: true },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'notes', type: 'text', isNullable: true },
          { name: 'moved_by', type: 'integer' },
          { name: 'moved_at', type: t.timestamp },
        ],
        indices: [
          { name: 'idx_stock_movements_reference', columnNames: ['reference_type', 'reference_id'] },
          { name: 'idx_stock_movements_item_moved', columnNames: ['stock_item_id', 'moved_at'] },
          { name: 'idx_stock_movements_warehouse_moved', columnNames: ['warehouse_id', 'moved_at'] },
          { name: 'idx_stock_movements_moved', columnNames: ['moved_at'] },
        ],
        foreignKeys: [
          fk('stock_movements', 'stock_item_id', 'stock_items', 'CASCADE'),
          fk('stock_movements', 'warehouse_id', 'warehouses', 'CASCADE'),
          fk('stock_movements', 'moved_by', 'users', 'RESTRICT'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['stock_movements', 'warehouse_stock', 'stock_items', 'warehouses']) {
      await queryRunner.dropTable(table, true, true, true);
    }
  }
}
