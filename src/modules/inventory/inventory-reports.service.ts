import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { ListCounter } from '../../common/pagination/list-counter';
import { inPage, pageRequest, paginate } from '../../common/pagination/paginate';
import { DAY_MS, exclusiveEnd, instantOf, lastInstantBefore } from '../../common/time/date-range';
import { toIsoUtc } from '../../common/time/iso';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { LowStockQueryDto, MovementHistoryQueryDto, TurnoverQueryDto, ValuationQueryDto } from './dto/reports.dto';
import { StockItemEntity, StockMovementEntity, WarehouseStockEntity } from './inventory.entities';
import { round2 } from './inventory.mapper';
import { MOVEMENT_SORTS } from './inventory.sorts';

const num = (v: unknown) => Number(v ?? 0);
/** One currency per group, or MIXED when a group sums several (values are never converted). */
const CURRENCY = "CASE WHEN COUNT(DISTINCT i.currency_code) = 1 THEN MIN(i.currency_code) ELSE 'MIXED' END";

/** The four inventory reports; every figure is a SQL aggregate. */
@Injectable()
export class InventoryReportsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counter: ListCounter,
  ) {}

  /** On-hand x moving average cost of active items, per warehouse, per category and per row. */
  async getValuationReport(query: ValuationQueryDto) {
    const base = () => {
      const qb = this.dataSource
        .createQueryBuilder(WarehouseStockEntity, 's')
        .innerJoin('s.stockItem', 'i')
        .innerJoin('s.warehouse', 'w')
        .where('s.quantity_on_hand > 0')
        .andWhere('i.is_active = :active', { active: true });
      if (query.warehouse_id !== undefined) qb.andWhere('s.warehouse_id = :w', { w: query.warehouse_id });
      if (query.category) qb.andWhere('i.category = :c', { c: query.category });
      if (query.currency_code) qb.andWhere('i.currency_code = :cur', { cur: query.currency_code });
      return qb;
    };
    const VALUE = 'SUM(s.quantity_on_hand * s.average_cost)';
    const [total, byWarehouse, byCategory, details] = await Promise.all([
      base().select(`COALESCE(${VALUE}, 0)`, 'value').getRawOne<{ value: unknown }>(),
      base()
        .select(['w.id AS warehouse_id', 'w.name AS warehouse_name', 'w.code AS warehouse_code'])
        .addSelect(VALUE, 'value')
        .addSelect(CURRENCY, 'currency')
        .groupBy('w.id')
        .addGroupBy('w.name')
        .addGroupBy('w.code')
        .orderBy('w.code', 'ASC')
        .getRawMany<Record<string, unknown>>(),
      base()
        .select("COALESCE(i.category, 'Uncategorized')", 'category')
        .addSelect(VALUE, 'value')
        .addSelect(CURRENCY, 'currency')
        .groupBy("COALESCE(i.category, 'Uncategorized')")
        .orderBy("COALESCE(i.category, 'Uncategorized')", 'ASC')
        .getRawMany<Record<string, unknown>>(),
      base()
        .select([
          'i.id AS item_id',
          'i.sku AS sku',
          'i.name AS name',
          'i.category AS category',
          'i.currency_code AS currency',
        ])
        .addSelect([
          'w.id AS warehouse_id',
          'w.name AS warehouse_name',
          's.quantity_on_hand AS quantity',
          's.average_cost AS cost',
        ])
        .orderBy('i.sku', 'ASC')
        .addOrderBy('w.code', 'ASC')
        .getRawMany<Record<string, unknown>>(),
    ]);
    return {
      total_value: round2(num(total?.value)),
      currency: query.currency_code ?? 'EUR',
      warehouse_id: query.warehouse_id ?? null,
      category: query.category ?? null,
      by_warehouse: Object.fromEntries(
        byWarehouse.map((r) => [
          `${String(r.warehouse_name)} (${String(r.warehouse_code)})`,
          {
            warehouse_id: num(r.warehouse_id),
            warehouse_name: r.warehouse_name,
            warehouse_code: r.warehouse_code,
            value: round2(num(r.value)),
            currency: r.currency,
          },
        ]),
      ),
      by_category: Object.fromEntries(
        byCategory.map((r) => [
          String(r.category),
          { category: r.category, value: round2(num(r.value)), currency: r.currency },
        ]),
      ),
      item_details: details.map((r) => ({
        item_id: num(r.item_id),
        sku: r.sku,
        name: r.name,
        category: r.category ?? null,
        warehouse_id: num(r.warehouse_id),
        warehouse_name: r.warehouse_name,
        quantity: num(r.quantity),
        cost: num(r.cost),
        value: round2(num(r.quantity) * num(r.cost)),
        currency: r.currency,
      })),
    };
  }

  /** Movements, newest first, paginated. */
  async getMovementHistoryReport(query: MovementHistoryQueryDto) {
    const request = pageRequest(query, MOVEMENT_SORTS.order(query.sort));
    const qb = this.dataSource.createQueryBuilder(StockMovementEntity, 'm');
    if (query.date_from) {
      qb.andWhere('m.moved_at >= :from', { from: instantOf(query.date_from, this.config.timezone, 'date_from') });
    }
    if (query.date_to) {
      qb.andWhere('m.moved_at < :to', { to: exclusiveEnd(query.date_to, this.config.timezone, 'date_to') });
    }
    if (query.stock_item_id !== undefined) qb.andWhere('m.stock_item_id = :item', { item: query.stock_item_id });
    if (query.warehouse_id !== undefined) qb.andWhere('m.warehouse_id = :w', { w: query.warehouse_id });
    if (query.movement_type) qb.andWhere('m.movement_type = :t', { t: query.movement_type });
    const page = inPage(
      qb.clone().innerJoinAndSelect('m.stockItem', 'i').innerJoinAndSelect('m.warehouse', 'w'),
      request,
    );
    const [rows, count] = await Promise.all([page.getMany(), this.counter.count(qb)]);
    const { movements, pagination } = paginate('movements', request, rows, count, (m) => ({
      id: m.id,
      date: toIsoUtc(m.movedAt),
      item_id: m.stockItemId,
      item_sku: m.stockItem?.sku ?? null,
      item_name: m.stockItem?.name ?? null,
      warehouse_id: m.warehouseId,
      warehouse_name: m.warehouse?.name ?? null,
      quantity: m.quantity,
      type: m.movementType,
      reference: [m.referenceType, m.referenceId].filter((p) => p !== null).join('#') || null,
      notes: m.notes,
    }));
    return { movements, total_movements: pagination.total, pagination };
  }

  /**
   * Sold quantity (sale and usage) in the period against the average stock over it: (stock at start
   * + stock at end) / 2 summed over all warehouses, both computed from the movement history.
   */
  async getTurnoverReport(query: TurnoverQueryDto) {
    const end = query.end_date ? exclusiveEnd(query.end_date, this.config.timezone, 'end_date') : new Date();
    const start = query.start_date
      ? instantOf(query.start_date, this.config.timezone, 'start_date')
      : new Date(end.getTime() - 365 * DAY_MS);
    if (start.getTime() >= end.getTime()) {
      throw DomainError.validation({ start_date: ['start_date must be before end_date'] });
    }
    const qb = this.dataSource
      .createQueryBuilder(StockMovementEntity, 'm')
      .innerJoin(StockItemEntity, 'i', 'i.id = m.stock_item_id')
      .select(['i.id AS item_id', 'i.sku AS sku', 'i.name AS name'])
      .addSelect(
        "SUM(CASE WHEN m.moved_at >= :start AND m.moved_at < :end AND m.movement_type IN ('sale', 'usage') THEN -m.quantity ELSE 0 END)",
        'sold',
      )
      .addSelect('SUM(CASE WHEN m.moved_at < :start THEN m.quantity ELSE 0 END)', 'start_stock')
      .addSelect('SUM(CASE WHEN m.moved_at < :end THEN m.quantity ELSE 0 END)', 'end_stock')
      .where('m.moved_at < :end')
      .setParameters({ start, end })
      .groupBy('i.id')
      .addGroupBy('i.sku')
      .addGroupBy('i.name')
      .orderBy('i.sku', 'ASC');
    if (query.item_id !== undefined) qb.andWhere('m.stock_item_id = :item', { item: query.item_id });
    const rows = await qb.getRawMany<Record<string, unknown>>();
    const days = Math.floor((end.getTime() - start.getTime()) / DAY_MS);
    const items = rows
      .filter((r) => num(r.sold) > 0)
      .map((r) => {
        const sold = num(r.sold);
        const avg = round2((num(r.start_stock) + num(r.end_stock)) / 2);
        const rate = avg > 0 && days > 0 ? sold / avg : 0;
        return {
          item_id: num(r.item_id),
          sku: r.sku,
          name: r.name,
          quantity_sold: round2(sold),
          avg_stock: avg,
          turnover_rate: round2(rate),
          days_on_hand: rate > 0 ? round2(days / rate) : 0,
        };
      });
    return { start_date: toIsoUtc(start), end_date: toIsoUtc(lastInstantBefore(end)), days, items };
  }

  /** Stock rows of active items whose on-hand is below the item's reorder point. */
  async getLowStockReport(query: LowStockQueryDto) {
    const qb = this.dataSource
      .createQueryBuilder(WarehouseStockEntity, 's')
      .innerJoinAndSelect('s.stockItem', 'i')
      .innerJoinAndSelect('s.warehouse', 'w')
      .where('i.is_active = :active', { active: true })
      .andWhere('i.reorder_point > 0')
      .andWhere('s.quantity_on_hand < i.reorder_point')
      .orderBy('i.sku', 'ASC')
      .addOrderBy('w.code', 'ASC');
    if (query.warehouse_id !== undefined) qb.andWhere('s.warehouse_id = :w', { w: query.warehouse_id });
    const rows = await qb.getMany();
    return {
      items: rows.map((s) => ({
        item_id: s.stockItemId,
        item_sku: s.stockItem!.sku,
        item_name: s.stockItem!.name,
        warehouse_id: s.warehouseId,
        warehouse_code: s.warehouse!.code,
        warehouse_name: s.warehouse!.name,
        quantity_on_hand: s.quantityOnHand,
        reorder_point: s.stockItem!.reorderPoint,
        reorder_quantity: s.stockItem!.reorderQuantity ?? 0,
        shortfall: round2((s.stockItem!.reorderPoint ?? 0) - s.quantityOnHand),
      })),
    };
  }
}
