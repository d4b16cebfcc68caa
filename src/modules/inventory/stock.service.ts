import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { ListCounter } from '../../common/pagination/list-counter';
import { inPage, pageRequest, paginate } from '../../common/pagination/paginate';
import { toIsoUtc } from '../../common/time/iso';
import { exclusiveEnd, instantOf } from '../../common/time/date-range';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionService } from '../../database/transaction.service';
import type { CreateMovementDto, CreateTransferDto, ListTransfersQueryDto, StockLevelsQueryDto } from './dto/stock.dto';
import { InventoryCatalogService } from './inventory-catalog.service';
import { type MovementType, StockItemEntity, StockMovementEntity, WarehouseStockEntity } from './inventory.entities';
import { round2, round4, toMovementResponse } from './inventory.mapper';
import { STOCK_LEVEL_SORTS, TRANSFER_SORTS, type TransferRow } from './inventory.sorts';

const INBOUND: MovementType[] = ['purchase', 'return'];
/** The largest quantity_on_hand its decimal(14,2) column holds on PostgreSQL. */
export const MAX_QUANTITY_ON_HAND = 999_999_999_999.99;
const OUTBOUND: MovementType[] = ['sale', 'usage', 'waste'];

interface Move {
  item: StockItemEntity;
  warehouseId: number;
  quantity: number;
  type: MovementType;
  unitCost?: number | null;
  referenceType?: string | null;
  referenceId?: number | null;
  reason?: string | null;
  notes?: string | null;
  movedBy: number;
}

/**
 * The movement engine: every stock change goes through `record`, which locks the (item, warehouse)
 * stock row, refuses to go below zero (409 insufficient_stock) and keeps a moving average cost.
 */
@Injectable()
export class StockService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: InventoryCatalogService,
    private readonly transactions: TransactionService,
    private readonly counter: ListCounter,
  ) {}

  async createMovement(auth: AuthContext, dto: CreateMovementDto) {
    const quantity = signedQuantity(dto.movement_type, dto.quantity);
    const { movement, stock } = await this.transactions.run(auth, async (m) => {
      const item = await this.catalog.itemOrFail(m, dto.stock_item_id);
      await this.catalog.warehouseOrFail(m, dto.warehouse_id);
      await this.lockRows(m, item.id, [dto.warehouse_id]);
      const recorded = await this.record(m, {
        item,
        warehouseId: dto.warehouse_id,
        quantity,
        type: dto.movement_type,
        unitCost: dto.unit_cost,
        referenceType: 'manual',
        reason: dto.reason ?? null,
        notes: dto.notes ?? null,
        movedBy: auth.userId,
      });
      // The item's on-hand total changed.
      await this.catalog.recordItem(m, auth, item, 'updated');
      return recorded;
    });
    return {
      message: 'Stock movement recorded successfully',
      movement: toMovementResponse(movement),
      updated_stock: {
        warehouse_id: stock.warehouseId,
        stock_item_id: stock.stockItemId,
        quantity_on_hand: stock.quantityOnHand,
        average_cost: stock.averageCost,
      },
    };
  }

  /** One movement by id: what `POST /inventory/movements` (and each leg of a transfer) created. */
  async getMovement(id: number) {
    const movement = await this.dataSource.getRepository(StockMovementEntity).findOneBy({ id });
    if (!movement) throw DomainError.notFound(`Stock movement ${id}`);
    return { movement: toMovementResponse(movement) };
  }

  /** Both legs in one transaction under row locks (taken in warehouse order: no deadlock). */
  async createTransfer(auth: AuthContext, dto: CreateTransferDto) {
    if (dto.from_warehouse_id === dto.to_warehouse_id) {
      throw DomainError.validation({ to_warehouse_id: ['Source and destination warehouses must be different'] });
    }
    const legs = await this.transactions.run(auth, async (m) => {
      const item = await this.catalog.itemOrFail(m, dto.stock_item_id);
      const from = await this.catalog.warehouseOrFail(m, dto.from_warehouse_id);
      const to = await this.catalog.warehouseOrFail(m, dto.to_warehouse_id);
      await this.lockRows(m, item.id, [from.id, to.id]);
      const reason = `Transfer from ${from.code} to ${to.code}`;
      const common = {
        item,
        type: 'transfer' as const,
        referenceType: 'transfer',
        reason,
        notes: dto.notes ?? null,
        movedBy: auth.userId,
      };
      const out = await this.record(m, { ...common, warehouseId: from.id, quantity: -dto.quantity });
      // The reference id is the outbound leg's own id: unique, and shared by both legs.
      out.movement.referenceId = out.movement.id;
      await m.update(StockMovementEntity, { id: out.movement.id }, { referenceId: out.movement.id });
      const into = await this.record(m, {
        ...common,
        warehouseId: to.id,
        quantity: dto.quantity,
        unitCost: out.movement.unitCost,
        referenceId: out.movement.id,
      });
      // The feed: the item (its stock moved) and both warehouses.
      await this.catalog.recordItem(m, auth, item, 'updated');
      await this.catalog.recordWarehouse(m, auth, from, 'updated');
      await this.catalog.recordWarehouse(m, auth, to, 'updated');
      return [out.movement, into.movement];
    });
    return {
      message: 'Stock transfer completed successfully',
      reference_id: legs[0].id,
      transfers: legs.map((leg) => ({ movement_id: leg.id, movement: toMovementResponse(leg) })),
    };
  }

  async listTransfers(query: ListTransfersQueryDto) {
    const request = pageRequest(query, TRANSFER_SORTS.order(query.sort));
    const from = query.date_from ? instantOf(query.date_from, this.config.timezone, 'date_from') : undefined;
    const to = query.date_to ? exclusiveEnd(query.date_to, this.config.timezone, 'date_to') : undefined;
    // Outbound legs identify transfers (one per reference id, by construction).
    const qb = this.dataSource
      .createQueryBuilder(StockMovementEntity, 'o')
      .innerJoin(
        StockMovementEntity,
        'i',
        "i.reference_type = 'transfer' AND i.reference_id = o.reference_id AND i.id <> o.id",
      )
      .select(['o.id AS out_id', 'i.id AS in_id', 'o.reference_id AS reference_id', 'o.moved_at AS moved_at'])
      .addSelect([
        'o.stock_item_id AS stock_item_id',
        'o.warehouse_id AS from_warehouse_id',
        'i.warehouse_id AS to_warehouse_id',
      ])
      .addSelect(['o.quantity AS quantity', 'o.notes AS notes'])
      .where("o.reference_type = 'transfer'")
      .andWhere('o.reference_id = o.id');
    if (from) qb.andWhere('o.moved_at >= :from', { from });
    if (to) qb.andWhere('o.moved_at < :to', { to });
    const [rows, count] = await Promise.all([
      inPage(qb.clone(), request).getRawMany<TransferRow>(),
      this.counter.count(qb),
    ]);
    return paginate('transfers', request, rows, count, toTransferSummary);
  }

  async getTransfer(referenceId: number) {
    const legs = await this.dataSource.getRepository(StockMovementEntity).find({
      where: { referenceType: 'transfer', referenceId },
      order: { quantity: 'ASC' },
    });
    if (legs.length !== 2) throw DomainError.notFound(`Transfer ${referenceId}`);
    const [out, into] = legs;
    return {
      transfer: {
        reference_id: referenceId,
        moved_at: toIsoUtc(out.movedAt),
        stock_item_id: out.stockItemId,
        from_warehouse_id: out.warehouseId,
        to_warehouse_id: into.warehouseId,
        quantity: Math.abs(out.quantity),
        notes: out.notes,
        movements: [toMovementResponse(out), toMovementResponse(into)],
      },
    };
  }

  async listStockLevels(query: StockLevelsQueryDto) {
    const request = pageRequest(query, STOCK_LEVEL_SORTS.order(query.sort));
    const qb = this.dataSource
      .createQueryBuilder(WarehouseStockEntity, 's')
      .innerJoinAndSelect('s.warehouse', 'w')
      .innerJoinAndSelect('s.stockItem', 'i');
    if (query.warehouse_id !== undefined) qb.andWhere('s.warehouse_id = :w', { w: query.warehouse_id });
    if (query.stock_item_id !== undefined) qb.andWhere('s.stock_item_id = :i', { i: query.stock_item_id });
    if (query.category) qb.andWhere('i.category = :c', { c: query.category });
    const [rows, count] = await Promise.all([inPage(qb.clone(), request).getMany(), this.counter.count(qb)]);
    return paginate('stock_levels', request, rows, count, (s) => ({
      warehouse_id: s.warehouseId,
      warehouse_code: s.warehouse?.code ?? null,
      warehouse_name: s.warehouse?.name ?? null,
      stock_item_id: s.stockItemId,
      sku: s.stockItem?.sku ?? null,
      item_name: s.stockItem?.name ?? null,
      quantity_on_hand: s.quantityOnHand,
      average_cost: s.averageCost,
      value: round2(s.quantityOnHand * s.averageCost),
    }));
  }

  /**
   * Creates missing stock rows, then locks them (PostgreSQL: SELECT ... FOR UPDATE, in warehouse id
   * order). SQLite serialises every write transaction already.
   */
  private async lockRows(m: EntityManager, itemId: number, warehouseIds: number[]): Promise<void> {
    const ids = [...new Set(warehouseIds)].sort((a, b) => a - b);
    await m
      .createQueryBuilder()
      .insert()
      .into(WarehouseStockEntity)
      .values(
        ids.map((warehouseId) => ({
          warehouseId,
          stockItemId: itemId,
          quantityOnHand: 0,
          averageCost: 0,
          updatedAt: new Date(),
        })),
      )
      .orIgnore()
      .execute();
    if (m.connection.options.type !== 'postgres') return;
    await m
      .getRepository(WarehouseStockEntity)
      .createQueryBuilder('s')
      .where('s.stock_item_id = :itemId AND s.warehouse_id IN (:...ids)', { itemId, ids })
      .orderBy('s.warehouse_id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** One movement on a locked row; returns the movement and the row after it. */
  private async record(
    m: EntityManager,
    move: Move,
  ): Promise<{ movement: StockMovementEntity; stock: WarehouseStockEntity }> {
    const stock = await m.findOneByOrFail(WarehouseStockEntity, {
      warehouseId: move.warehouseId,
      stockItemId: move.item.id,
    });
    const after = round2(stock.quantityOnHand + move.quantity);
    if (after < 0) {
      throw new DomainError(
        ErrorCode.InsufficientStock,
        `Insufficient stock: ${stock.quantityOnHand} on hand in warehouse ${move.warehouseId}, ${Math.abs(move.quantity)} requested.`,
        { extra: { available: stock.quantityOnHand, requested: Math.abs(move.quantity) } },
      );
    }
    if (after > MAX_QUANTITY_ON_HAND) {
      throw DomainError.validation({
        quantity: [`would take the stock in warehouse ${move.warehouseId} above ${MAX_QUANTITY_ON_HAND}`],
      });
    }
    let unitCost: number;
    if (move.quantity > 0) {
      unitCost = move.unitCost ?? move.item.defaultCost ?? 0;
      // Moving weighted average over what is on hand and what comes in.
      stock.averageCost =
        after > 0 ? round4((stock.quantityOnHand * stock.averageCost + move.quantity * unitCost) / after) : unitCost;
    } else {
      unitCost = stock.averageCost;
    }
    stock.quantityOnHand = after;
    stock.updatedAt = new Date();
    await m.update(
      WarehouseStockEntity,
      { id: stock.id },
      { quantityOnHand: stock.quantityOnHand, averageCost: stock.averageCost, updatedAt: stock.updatedAt },
    );
    const movement = await m.save(
      StockMovementEntity,
      Object.assign(new StockMovementEntity(), {
        movementType: move.type,
        stockItemId: move.item.id,
        warehouseId: move.warehouseId,
        quantity: round2(move.quantity),
        unitCost: round4(unitCost),
        referenceType: move.referenceType ?? null,
        referenceId: move.referenceId ?? null,
        reason: move.reason ?? null,
        notes: move.notes ?? null,
        movedBy: move.movedBy,
        movedAt: new Date(),
      }),
    );
    return { movement, stock };
  }
}

function toTransferSummary(r: TransferRow) {
  const movedAt = r.moved_at instanceof Date ? r.moved_at : new Date(`${String(r.moved_at).replace(' ', 'T')}Z`);
  return {
    reference_id: Number(r.reference_id),
    moved_at: toIsoUtc(movedAt),
    stock_item_id: Number(r.stock_item_id),
    from_warehouse_id: Number(r.from_warehouse_id),
    to_warehouse_id: Number(r.to_warehouse_id),
    quantity: Math.abs(Number(r.quantity)),
    notes: r.notes,
    movement_ids: [Number(r.out_id), Number(r.in_id)],
  };
}

/** Inbound types must add, outbound types remove (either sign accepted), adjustments any non-zero. */
function signedQuantity(type: MovementType, quantity: number): number {
  if (quantity === 0) throw DomainError.validation({ quantity: ['quantity must not be 0'] });
  if (INBOUND.includes(type)) {
    if (quantity < 0) throw DomainError.validation({ quantity: [`${type} adds stock: quantity must be positive`] });
    return quantity;
  }
  if (OUTBOUND.includes(type)) return -Math.abs(quantity);
  return quantity;
}
