import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { updatedSinceOf } from '../../common/time/updated-since';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { assertIfMatch, lockRowForUpdate } from '../../common/http/conditional';
import { ErrorCode } from '../../common/errors/error-code';
import { ListCounter } from '../../common/pagination/list-counter';
import { inPage, pageRequest, paginate } from '../../common/pagination/paginate';
import { isUniqueViolation } from '../../database/db-errors';
import { containsPattern } from '../../database/like';
import { TransactionService } from '../../database/transaction.service';
import type {
  CreateStockItemDto,
  CreateWarehouseDto,
  ListStockItemsQueryDto,
  ListWarehousesQueryDto,
  UpdateStockItemDto,
  UpdateWarehouseDto,
} from './dto/catalog.dto';
import { StockItemEntity, WarehouseEntity, WarehouseStockEntity } from './inventory.entities';
import { toStockItemResponse, toWarehouseResponse } from './inventory.mapper';
import { STOCK_ITEM_SORTS, WAREHOUSE_SORTS } from './inventory.sorts';
import { ChangeLog } from '../changes/change-log';
import type { ChangeAction } from '../changes/change.entity';

/** Warehouses and stock items: create, read, update, deactivate (never deleted: movements refer to them). */
@Injectable()
export class InventoryCatalogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionService,
    private readonly counter: ListCounter,
    private readonly changes: ChangeLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async listWarehouses(query: ListWarehousesQueryDto) {
    const request = pageRequest(query, WAREHOUSE_SORTS.order(query.sort));
    const qb = this.dataSource.createQueryBuilder(WarehouseEntity, 'w');
    if (query.active_only ?? true) qb.andWhere('w.is_active = :active', { active: true });
    const since = updatedSinceOf(query.updated_since, this.config.timezone);
    if (since) qb.andWhere('w.updated_at >= :since', { since });
    if (query.q) {
      qb.andWhere("(LOWER(w.code) LIKE :q ESCAPE '\\' OR LOWER(w.name) LIKE :q ESCAPE '\\')", {
        q: containsPattern(query.q),
      });
    }
    const [rows, count] = await Promise.all([inPage(qb.clone(), request).getMany(), this.counter.count(qb)]);
    return paginate('warehouses', request, rows, count, toWarehouseResponse);
  }

  async getWarehouse(id: number) {
    return { warehouse: toWarehouseResponse(await this.warehouseOrFail(this.dataSource.manager, id)) };
  }

  async createWarehouse(auth: AuthContext, dto: CreateWarehouseDto) {
    const saved = await this.save(auth, 'warehouse code', dto.code, async (m) => {
      const w = await m.save(
        WarehouseEntity,
        Object.assign(new WarehouseEntity(), {
          code: dto.code,
          name: dto.name,
          address: dto.address ?? null,
          contactPerson: dto.contact_person ?? null,
          contactEmail: dto.contact_email ?? null,
          notes: dto.notes ?? null,
          isActive: dto.is_active ?? true,
          createdAt: new Date(),
          updatedAt: new Date(),
        }),
      );
      await this.recordWarehouse(m, auth, w, 'created');
      return w;
    });
    return { message: 'Warehouse created successfully', warehouse: toWarehouseResponse(saved) };
  }

  async updateWarehouse(auth: AuthContext, id: number, dto: UpdateWarehouseDto, ifMatch?: string) {
    const saved = await this.save(auth, 'warehouse code', dto.code, async (m) => {
      await lockRowForUpdate(m, WarehouseEntity, id);
      const w = await this.warehouseOrFail(m, id);
      await assertIfMatch(ifMatch, () => ({ warehouse: toWarehouseResponse(w) }));
      if (dto.code !== undefined) w.code = dto.code;
      if (dto.name !== undefined) w.name = dto.name;
      if (dto.address !== undefined) w.address = dto.address;
      if (dto.contact_person !== undefined) w.contactPerson = dto.contact_person;
      if (dto.contact_email !== undefined) w.contactEmail = dto.contact_email;
      if (dto.notes !== undefined) w.notes = dto.notes;
      if (dto.is_active !== undefined) w.isActive = dto.is_active;
      w.updatedAt = new Date();
      const saved = await m.save(w);
      await this.recordWarehouse(m, auth, saved, 'updated');
      return saved;
    });
    return { message: 'Warehouse updated successfully', warehouse: toWarehouseResponse(saved) };
  }

  deactivateWarehouse(auth: AuthContext, id: number, ifMatch?: string) {
    return this.updateWarehouse(auth, id, { is_active: false }, ifMatch);
  }

  async listStockItems(query: ListStockItemsQueryDto) {
    const request = pageRequest(query, STOCK_ITEM_SORTS.order(query.sort));
    const qb = this.dataSource.createQueryBuilder(StockItemEntity, 'i');
    if (query.active_only ?? true) qb.andWhere('i.is_active = :active', { active: true });
    const since = updatedSinceOf(query.updated_since, this.config.timezone);
    if (since) qb.andWhere('i.updated_at >= :since', { since });
    if (query.category) qb.andWhere('i.category = :category', { category: query.category });
    if (query.q) {
      qb.andWhere("(LOWER(i.sku) LIKE :q ESCAPE '\\' OR LOWER(i.name) LIKE :q ESCAPE '\\')", {
        q: containsPattern(query.q),
      });
    }
    const [rows, count] = await Promise.all([inPage(qb.clone(), request).getMany(), this.counter.count(qb)]);
    const onHand = await this.onHand(rows.slice(0, request.perPage).map((i) => i.id));
    return paginate('items', request, rows, count, (i) => toStockItemResponse(i, onHand.get(i.id)));
  }

  async getStockItem(id: number) {
    const item = await this.itemOrFail(this.dataSource.manager, id);
    return { item: toStockItemResponse(item, (await this.onHand([id])).get(id)) };
  }

  async createStockItem(auth: AuthContext, dto: CreateStockItemDto) {
    const saved = await this.save(auth, 'SKU', dto.sku, async (m) => {
      const item = await m.save(
        StockItemEntity,
        Object.assign(new StockItemEntity(), ITEM_DEFAULTS, itemFields(dto), {
          createdAt: new Date(),
          updatedAt: new Date(),
        }),
      );
      await this.recordItem(m, auth, item, 'created');
      return item;
    });
    return { message: 'Stock item created successfully', item: toStockItemResponse(saved) };
  }

  async updateStockItem(auth: AuthContext, id: number, dto: UpdateStockItemDto, ifMatch?: string) {
    const saved = await this.save(auth, 'SKU', dto.sku, async (m) => {
      await lockRowForUpdate(m, StockItemEntity, id);
      const item = await this.itemOrFail(m, id);
      // As GET shows it, on-hand total included.
      await assertIfMatch(ifMatch, async () => ({
        item: toStockItemResponse(item, (await this.onHand([id], m)).get(id)),
      }));
      Object.assign(item, itemFields(dto), { updatedAt: new Date() });
      const saved = await m.save(item);
      await this.recordItem(m, auth, saved, 'updated');
      return saved;
    });
    return {
      message: 'Stock item updated successfully',
      item: toStockItemResponse(saved, (await this.onHand([id])).get(id)),
    };
  }

  deactivateStockItem(auth: AuthContext, id: number, ifMatch?: string) {
    return this.updateStockItem(auth, id, { is_active: false }, ifMatch);
  }

  /** The changes feed's row: the warehouse as GET shows it after this write. */
  recordWarehouse(m: EntityManager, auth: AuthContext, w: WarehouseEntity, action: ChangeAction): Promise<void> {
    return this.changes.record(m, auth, { type: 'warehouse', id: w.id, action, data: toWarehouseResponse(w) });
  }

  /** The changes feed's row: the item as GET shows it after this write, on-hand total included. */
  async recordItem(m: EntityManager, auth: AuthContext, item: StockItemEntity, action: ChangeAction): Promise<void> {
    const data = toStockItemResponse(item, (await this.onHand([item.id], m)).get(item.id));
    await this.changes.record(m, auth, { type: 'inventory_item', id: item.id, action, data });
  }

  async warehouseOrFail(manager: EntityManager, id: number): Promise<WarehouseEntity> {
    const w = await manager.findOneBy(WarehouseEntity, { id });
    if (!w) throw DomainError.notFound(`Warehouse ${id}`);
    return w;
  }

  async itemOrFail(manager: EntityManager, id: number): Promise<StockItemEntity> {
    const item = await manager.findOneBy(StockItemEntity, { id });
    if (!item) throw DomainError.notFound(`Stock item ${id}`);
    return item;
  }

  /** Total on-hand per item over all warehouses, in one query. */
  private async onHand(itemIds: number[], manager = this.dataSource.manager): Promise<Map<number, number>> {
    if (itemIds.length === 0) return new Map();
    const rows = await manager
      .createQueryBuilder(WarehouseStockEntity, 's')
      .select('s.stock_item_id', 'id')
      .addSelect('SUM(s.quantity_on_hand)', 'qty')
      .where('s.stock_item_id IN (:...itemIds)', { itemIds })
      .groupBy('s.stock_item_id')
      .getRawMany<{ id: number; qty: string | number }>();
    return new Map(rows.map((r) => [Number(r.id), Number(r.qty)]));
  }

  private async save<T>(
    auth: AuthContext,
    what: string,
    value: string | undefined,
    work: (m: EntityManager) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.transactions.run(auth, work);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(ErrorCode.Conflict, `That ${what} (${value ?? ''}) is already in use.`);
      }
      throw error;
    }
  }
}

const ITEM_DEFAULTS: Partial<StockItemEntity> = {
  description: null,
  category: null,
  unit: 'pcs',
  defaultCost: null,
  defaultPrice: null,
  currencyCode: 'EUR',
  reorderPoint: null,
  reorderQuantity: null,
  isActive: true,
};

function itemFields(dto: CreateStockItemDto | UpdateStockItemDto): Partial<StockItemEntity> {
  const out: Partial<StockItemEntity> = {};
  if (dto.sku !== undefined) out.sku = dto.sku;
  if (dto.name !== undefined) out.name = dto.name;
  if (dto.description !== undefined) out.description = dto.description;
  if (dto.category !== undefined) out.category = dto.category;
  if (dto.unit !== undefined) out.unit = dto.unit;
  if (dto.default_cost !== undefined) out.defaultCost = dto.default_cost;
  if (dto.default_price !== undefined) out.defaultPrice = dto.default_price;
  if (dto.currency_code !== undefined) out.currencyCode = dto.currency_code;
  if (dto.reorder_point !== undefined) out.reorderPoint = dto.reorder_point;
  if (dto.reorder_quantity !== undefined) out.reorderQuantity = dto.reorder_quantity;
  if (dto.is_active !== undefined) out.isActive = dto.is_active;
  return out;
}
