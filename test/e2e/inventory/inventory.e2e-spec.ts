import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('inventory', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let main: number;
  let spare: number;

  beforeAll(async () => {
    ctx = await createTestContext({
      env: { API_TOKEN_RATE_LIMIT_PER_MINUTE: '2000', API_TOKEN_RATE_LIMIT_PER_HOUR: '20000' },
    });
    main = (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'main', name: 'Main' }, admin)).body.warehouse.id;
    spare = (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'spare', name: 'Spare' }, admin)).body.warehouse
      .id;
  });

  afterAll(async () => {
    await ctx.close();
  });

  let skuSeq = 0;
  const newItem = async (extra: Record<string, unknown> = {}) =>
    (await ctx.t.post('/api/v1/inventory/items', { sku: `sku-${++skuSeq}`, name: `Item ${skuSeq}`, ...extra }, admin))
      .body.item as { id: number; sku: string };
  const move = (body: Record<string, unknown>) => ctx.t.post('/api/v1/inventory/movements', body, admin);
  const transfer = (body: Record<string, unknown>, token = ADMIN_TOKEN) =>
    ctx.t.post('/api/v1/inventory/transfers', body, { token });
  const levels = async (itemId: number) => {
    const res = await ctx.t.get('/api/v1/inventory/stock-levels', { ...admin, query: { stock_item_id: itemId } });
    return Object.fromEntries(
      res.body.stock_levels.map((l: { warehouse_id: number; quantity_on_hand: number; average_cost: number }) => [
        l.warehouse_id,
        l,
      ]),
    );
  };

  describe('catalog', () => {
    it('should upper-case codes and SKUs and refuse duplicates with 409', async () => {
      const w = await ctx.t.get(`/api/v1/inventory/warehouses/${main}`, admin);
      expect(w.body.warehouse).toMatchObject({ code: 'MAIN', name: 'Main', is_active: true });
      expect((await ctx.t.post('/api/v1/inventory/warehouses', { code: 'MAIN', name: 'Again' }, admin)).status).toBe(
        409,
      );
      const item = await ctx.t.post(
        '/api/v1/inventory/items',
        { sku: 'bolt-1', name: 'Bolt', default_cost: 0.5, reorder_point: 10 },
        admin,
      );
      expect(item.status).toBe(201);
      expect(item.body.item).toMatchObject({
        sku: 'BOLT-1',
        unit: 'pcs',
        currency_code: 'EUR',
        total_quantity_on_hand: 0,
        is_low_stock: true,
      });
      expect((await ctx.t.post('/api/v1/inventory/items', { sku: 'Bolt-1', name: 'Dup' }, admin)).status).toBe(409);
    });

    it('should validate fields, 404 missing ids and deactivate', async () => {
      const bad = await ctx.t.post(
        '/api/v1/inventory/items',
        { sku: 'has space', name: '', default_cost: -1, currency_code: 'EURO', stock: 3 },
        admin,
      );
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.errors).sort()).toEqual(['currency_code', 'default_cost', 'name', 'sku', 'stock']);
      expect((await ctx.t.get('/api/v1/inventory/items/99999', admin)).status).toBe(404);
      expect((await ctx.t.patch('/api/v1/inventory/warehouses/99999', { name: 'x' }, admin)).status).toBe(404);
      const item = await newItem();
      expect((await ctx.t.delete(`/api/v1/inventory/items/${item.id}`, admin)).body.item.is_active).toBe(false);
      const active = await ctx.t.get('/api/v1/inventory/items', { ...admin, query: { q: item.sku } });
      expect(active.body.items).toEqual([]);
      const all = await ctx.t.get('/api/v1/inventory/items', { ...admin, query: { q: item.sku, active_only: false } });
      expect(all.body.items.map((i: { id: number }) => i.id)).toEqual([item.id]);
    });
  });

  describe('movements', () => {
    it('should keep a moving average cost and never go below zero', async () => {
      const item = await newItem({ default_cost: 7 });
      expect(
        (
          await move({
            movement_type: 'purchase',
            stock_item_id: item.id,
            warehouse_id: main,
            quantity: 15,
            unit_cost: 8,
          })
        ).status,
      ).toBe(201);
      const second = await move({
        movement_type: 'purchase',
        stock_item_id: item.id,
        warehouse_id: main,
        quantity: 5,
        unit_cost: 12,
      });
      expect(second.body.updated_stock).toMatchObject({ quantity_on_hand: 20, average_cost: 9 });
      const sale = await move({ movement_type: 'sale', stock_item_id: item.id, warehouse_id: main, quantity: 4 });
      expect(sale.status).toBe(201);
      expect(sale.body.movement).toMatchObject({ movement_type: 'sale', quantity: -4, unit_cost: 9 });
      expect(sale.body.updated_stock).toMatchObject({ quantity_on_hand: 16, average_cost: 9 });
      const defaultCost = await move({
        movement_type: 'return',
        stock_item_id: item.id,
        warehouse_id: spare,
        quantity: 2,
      });
      expect(defaultCost.body.movement.unit_cost).toBe(7);
      const over = await move({ movement_type: 'waste', stock_item_id: item.id, warehouse_id: main, quantity: -17 });
      expect(over.status).toBe(409);
      expect(over.body).toMatchObject({ error_code: 'insufficient_stock', available: 16, requested: 17 });
      const negativeAdjust = await move({
        movement_type: 'adjustment',
        stock_item_id: item.id,
        warehouse_id: spare,
        quantity: -3,
      });
      expect(negativeAdjust.status).toBe(409);
      expect((await levels(item.id))[main].quantity_on_hand).toBe(16);
    });

    it('should validate movement bodies', async () => {
      const item = await newItem();
      const bad = await move({ movement_type: 'steal', stock_item_id: 'x', warehouse_id: main, quantity: 1.234 });
      expect(Object.keys(bad.body.errors).sort()).toEqual(['movement_type', 'quantity', 'stock_item_id']);
      expect(
        (await move({ movement_type: 'return', stock_item_id: item.id, warehouse_id: main, quantity: -1 })).status,
      ).toBe(400);
      expect(
        (await move({ movement_type: 'adjustment', stock_item_id: item.id, warehouse_id: main, quantity: 0 })).status,
      ).toBe(400);
      expect(
        (await move({ movement_type: 'purchase', stock_item_id: 99999, warehouse_id: main, quantity: 1 })).status,
      ).toBe(404);
    });

    it('should refuse a movement that would take the stock past its column (400, nothing written)', async () => {
      const item = await newItem();
      // Near the decimal(14,2) limit without a thousand purchases: the stock row set directly.
      expect(
        (await move({ movement_type: 'purchase', stock_item_id: item.id, warehouse_id: main, quantity: 1 })).status,
      ).toBe(201);
      await ctx.t.dataSource.query(
        `UPDATE warehouse_stock SET quantity_on_hand = 999999999999 WHERE stock_item_id = ${item.id} AND warehouse_id = ${main}`,
      );
      const over = await move({ movement_type: 'purchase', stock_item_id: item.id, warehouse_id: main, quantity: 1e9 });
      expect(over.status).toBe(400);
      expect(over.body).toMatchObject({
        error_code: 'validation_error',
        errors: { quantity: [expect.stringMatching(/above/)] },
      });
      expect((await levels(item.id))[main].quantity_on_hand).toBe(999999999999);
      expect(
        (await move({ movement_type: 'purchase', stock_item_id: item.id, warehouse_id: main, quantity: 0.99 })).status,
      ).toBe(201);
    });
  });

  describe('transfers', () => {
    it('should list nothing before any transfer', async () => {
      const res = await ctx.t.get('/api/v1/inventory/transfers', { ...admin, query: { date_to: '2000-01-01' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ transfers: [], pagination: expect.objectContaining({ total: 0, pages: 0 }) });
    });

    it('should move stock in two legs carrying the average cost, listed and readable by reference', async () => {
      const item = await newItem();
      await move({ movement_type: 'purchase', stock_item_id: item.id, warehouse_id: main, quantity: 20, unit_cost: 3 });
      const res = await transfer({
        stock_item_id: item.id,
        from_warehouse_id: main,
        to_warehouse_id: spare,
        quantity: 5,
        notes: 'Test transfer',
      });
      expect(res.status).toBe(201);
      expect(res.body.message).toBe('Stock transfer completed successfully');
      const ref = res.body.reference_id as number;
      expect(res.body.transfers).toHaveLength(2);
      expect(res.body.transfers[0].movement).toMatchObject({
        warehouse_id: main,
        quantity: -5,
        reference_type: 'transfer',
        reference_id: ref,
        reason: 'Transfer from MAIN to SPARE',
      });
      expect(res.body.transfers[1].movement).toMatchObject({
        warehouse_id: spare,
        quantity: 5,
        reference_id: ref,
        unit_cost: 3,
      });
      const stock = await levels(item.id);
      expect([stock[main].quantity_on_hand, stock[spare].quantity_on_hand, stock[spare].average_cost]).toEqual([
        15, 5, 3,
      ]);

      const list = await ctx.t.get('/api/v1/inventory/transfers', { ...admin, query: { per_page: 100 } });
      const listed = list.body.transfers.find((t: { reference_id: number }) => t.reference_id === ref);
      expect(listed).toMatchObject({
        stock_item_id: item.id,
        from_warehouse_id: main,
        to_warehouse_id: spare,
        quantity: 5,
        notes: 'Test transfer',
        movement_ids: res.body.transfers.map((t: { movement_id: number }) => t.movement_id),
      });
      const one = await ctx.t.get(`/api/v1/inventory/transfers/${ref}`, admin);
      expect(one.body.transfer).toMatchObject({
        reference_id: ref,
        quantity: 5,
        from_warehouse_id: main,
        to_warehouse_id: spare,
      });
      expect(one.body.transfer.movements).toHaveLength(2);
      for (const path of ['999999999999', 'notanumber', '0']) {
        expect((await ctx.t.get(`/api/v1/inventory/transfers/${path}`, admin)).status).toBe(404);
      }
      const today = new Date().toISOString().slice(0, 10);
      const dated = await ctx.t.get('/api/v1/inventory/transfers', {
        ...admin,
        query: { date_from: today, date_to: today, per_page: 100 },
      });
      expect(dated.body.transfers.map((t: { reference_id: number }) => t.reference_id)).toContain(ref);
    });

    it('should refuse invalid transfers', async () => {
      const item = await newItem();
      const missing = await transfer({});
      expect(missing.status).toBe(400);
      expect(Object.keys(missing.body.errors).sort()).toEqual([
        'from_warehouse_id',
        'quantity',
        'stock_item_id',
        'to_warehouse_id',
      ]);
      const same = await transfer({
        stock_item_id: item.id,
        from_warehouse_id: main,
        to_warehouse_id: main,
        quantity: 1,
      });
      expect(same.status).toBe(400);
      expect(same.body.errors.to_warehouse_id[0]).toMatch(/different/);
      expect(
        (await transfer({ stock_item_id: item.id, from_warehouse_id: main, to_warehouse_id: spare, quantity: -2 }))
          .status,
      ).toBe(400);
      expect(
        (await transfer({ stock_item_id: 'abc', from_warehouse_id: main, to_warehouse_id: spare, quantity: 1 })).status,
      ).toBe(400);
      expect(
        (await transfer({ stock_item_id: item.id, from_warehouse_id: 9999, to_warehouse_id: spare, quantity: 1 }))
          .status,
      ).toBe(404);
      const empty = await transfer({
        stock_item_id: item.id,
        from_warehouse_id: main,
        to_warehouse_id: spare,
        quantity: 1,
      });
      expect(empty.status).toBe(409);
      expect(empty.body.error_code).toBe('insufficient_stock');
      const bad = await ctx.t.request('POST', '/api/v1/inventory/transfers', {
        ...admin,
        rawBody: '{oops',
        headers: { 'content-type': 'application/json' },
      });
      expect(bad.status).toBe(400);
    });

    it('should never overdraw under concurrent transfers: 6 x 5 from 15 admits exactly 3', async () => {
      const item = await newItem();
      await move({ movement_type: 'purchase', stock_item_id: item.id, warehouse_id: main, quantity: 15, unit_cost: 1 });
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          transfer({ stock_item_id: item.id, from_warehouse_id: main, to_warehouse_id: spare, quantity: 5 }),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      expect(results.filter((r) => r.status === 409 && r.body.error_code === 'insufficient_stock')).toHaveLength(3);
      const stock = await levels(item.id);
      expect([stock[main].quantity_on_hand, stock[spare].quantity_on_hand]).toEqual([0, 15]);
    });
  });

  describe('reports', () => {
    let a: { id: number; sku: string };
    let b: { id: number; sku: string };
    let rw: number;

    beforeAll(async () => {
      rw = (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'rpt', name: 'Reports' }, admin)).body.warehouse
        .id;
      const rw2 = (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'rpt2', name: 'Reports 2' }, admin)).body
        .warehouse.id;
      a = await newItem({ category: 'Valuation', reorder_point: 20, reorder_quantity: 50 });
      b = await newItem({ reorder_point: 5 });
      await move({ movement_type: 'purchase', stock_item_id: a.id, warehouse_id: rw, quantity: 15, unit_cost: 8 });
      await move({ movement_type: 'purchase', stock_item_id: a.id, warehouse_id: rw, quantity: 5, unit_cost: 12 });
      await move({ movement_type: 'sale', stock_item_id: a.id, warehouse_id: rw, quantity: 4 });
      await move({ movement_type: 'purchase', stock_item_id: b.id, warehouse_id: rw2, quantity: 10, unit_cost: 2.5 });
      await move({ movement_type: 'usage', stock_item_id: b.id, warehouse_id: rw2, quantity: 2 });
    });

    it('should value on-hand x average cost, by warehouse, category and row', async () => {
      const res = await ctx.t.get('/api/v1/inventory/reports/valuation', { ...admin, query: { warehouse_id: rw } });
      expect(res.body).toMatchObject({
        total_value: 144,
        warehouse_id: rw,
        by_warehouse: { 'Reports (RPT)': { warehouse_id: rw, warehouse_code: 'RPT', value: 144, currency: 'EUR' } },
        by_category: { Valuation: { category: 'Valuation', value: 144, currency: 'EUR' } },
        item_details: [
          { item_id: a.id, sku: a.sku, warehouse_id: rw, quantity: 16, cost: 9, value: 144, currency: 'EUR' },
        ],
      });
      const cat = await ctx.t.get('/api/v1/inventory/reports/valuation', {
        ...admin,
        query: { category: 'Valuation' },
      });
      expect(cat.body.total_value).toBe(144);
      const all = await ctx.t.get('/api/v1/inventory/reports/valuation', admin);
      expect(all.body.by_category.Uncategorized.value).toBeGreaterThanOrEqual(20);
      expect(
        (await ctx.t.get('/api/v1/inventory/reports/valuation', { ...admin, query: { warehouse_id: 'invalid' } }))
          .status,
      ).toBe(400);
    });

    it('should list movement history with filters and pagination', async () => {
      const res = await ctx.t.get('/api/v1/inventory/reports/movement-history', {
        ...admin,
        query: { stock_item_id: a.id, page: 1, per_page: 2 },
      });
      expect(res.body.total_movements).toBe(3);
      expect(res.body.pagination).toMatchObject({ page: 1, per_page: 2, total: 3, pages: 2 });
      expect(res.body.movements[0]).toMatchObject({
        item_id: a.id,
        type: 'sale',
        quantity: -4,
        warehouse_id: rw,
        reference: 'manual',
      });
      const sales = await ctx.t.get('/api/v1/inventory/reports/movement-history', {
        ...admin,
        query: { movement_type: 'purchase', warehouse_id: rw },
      });
      expect(sales.body.movements.map((m: { quantity: number }) => m.quantity)).toEqual([5, 15]);
    });

    it('should compute turnover from the movement history over all warehouses', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const start = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
      const res = await ctx.t.get('/api/v1/inventory/reports/turnover', {
        ...admin,
        query: { start_date: start, end_date: today, item_id: a.id },
      });
      expect(res.body).toMatchObject({ days: 11, start_date: `${start}T00:00:00Z`, end_date: `${today}T23:59:59Z` });
      expect(res.body.items).toEqual([
        {
          item_id: a.id,
          sku: a.sku,
          name: expect.any(String),
          quantity_sold: 4,
          avg_stock: 8,
          turnover_rate: 0.5,
          days_on_hand: 22,
        },
      ]);
      const usage = await ctx.t.get('/api/v1/inventory/reports/turnover', { ...admin, query: { item_id: b.id } });
      expect(usage.body.items[0]).toMatchObject({ quantity_sold: 2, avg_stock: 4 });
    });

    it('should list rows below the reorder point with their shortfall', async () => {
      const res = await ctx.t.get('/api/v1/inventory/reports/low-stock', { ...admin, query: { warehouse_id: rw } });
      expect(res.body.items).toEqual([
        {
          item_id: a.id,
          item_sku: a.sku,
          item_name: expect.any(String),
          warehouse_id: rw,
          warehouse_code: 'RPT',
          warehouse_name: 'Reports',
          quantity_on_hand: 16,
          reorder_point: 20,
          reorder_quantity: 50,
          shortfall: 4,
        },
      ]);
      const all = await ctx.t.get('/api/v1/inventory/reports/low-stock', admin);
      expect(all.body.items.some((i: { item_id: number }) => i.item_id === b.id)).toBe(false);
    });
  });

  describe('access', () => {
    it('should accept read:inventory or read:projects, and write scopes for writes', async () => {
      const inv = await ctx.newToken({ scopes: ['read:inventory'] });
      expect((await ctx.t.get('/api/v1/inventory/reports/valuation', { token: inv.token })).status).toBe(200);
      expect((await ctx.t.get('/api/v1/projects', { token: inv.token })).status).toBe(403);
      const proj = await ctx.newToken({ scopes: ['read:projects'] });
      expect((await ctx.t.get('/api/v1/inventory/reports/valuation', { token: proj.token })).status).toBe(200);
      const denied = await transfer(
        { stock_item_id: 1, from_warehouse_id: main, to_warehouse_id: spare, quantity: 1 },
        inv.token,
      );
      expect(denied.status).toBe(403);
      expect(denied.body.required_scope).toBe('write:inventory');
      const writer = await ctx.newToken({ scopes: ['write:projects'] });
      expect(
        (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'w-scope', name: 'W' }, { token: writer.token }))
          .status,
      ).toBe(201);
      expect((await ctx.t.get('/api/v1/inventory/warehouses')).status).toBe(401);
    });

    it('should switch the whole module off and on (admins only)', async () => {
      const user = await ctx.newToken({ scopes: ['admin:all'] });
      expect(
        (await ctx.t.patch('/api/v1/admin/settings', { inventory_enabled: false }, { token: user.token })).status,
      ).toBe(403);
      expect((await ctx.t.get('/api/v1/admin/settings', admin)).body).toEqual({ inventory_enabled: true });
      const off = await ctx.t.patch('/api/v1/admin/settings', { inventory_enabled: false }, admin);
      expect(off.body.inventory_enabled).toBe(false);
      for (const path of [
        '/api/v1/inventory/warehouses',
        '/api/v1/inventory/transfers',
        '/api/v1/inventory/reports/low-stock',
      ]) {
        const res = await ctx.t.get(path, admin);
        expect([path, res.status, res.body.error_code]).toEqual([path, 403, 'module_disabled']);
      }
      expect((await ctx.t.patch('/api/v1/admin/settings', { inventory_enabled: 'no' }, admin)).status).toBe(400);
      await ctx.t.patch('/api/v1/admin/settings', { inventory_enabled: true }, admin);
      expect((await ctx.t.get('/api/v1/inventory/warehouses', admin)).status).toBe(200);
    });
  });
});
