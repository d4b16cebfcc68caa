import { DataSource } from 'typeorm';
import { bindSqliteIntegers } from './sqlite-integer-parameters';

type Escape = (sql: string, parameters: Record<string, unknown>) => [string, unknown[]];

describe('bindSqliteIntegers', () => {
  let dataSource: DataSource;
  let escape: Escape;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    bindSqliteIntegers(dataSource);
    await dataSource.initialize();
    const driver = dataSource.driver as unknown as { escapeQueryWithParameters: Escape };
    escape = driver.escapeQueryWithParameters.bind(driver);
    await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY, code VARCHAR(10))');
    await dataSource.query("INSERT INTO t (id, code) VALUES (7, '42')");
  });

  afterAll(() => dataSource.destroy());

  it('should bind integers, so that the statement text is the same for every id', () => {
    const [first, firstParams] = escape('SELECT * FROM t WHERE id = :id AND id IN (:...ids)', { id: 7, ids: [1, 2] });
    const [second] = escape('SELECT * FROM t WHERE id = :id AND id IN (:...ids)', { id: 8, ids: [3, 4] });
    expect(first).toBe('SELECT * FROM t WHERE id = ? AND id IN (?, ?)');
    expect(second).toBe(first);
    expect(firstParams).toEqual([7n, 1n, 2n]);
  });

  it('should bind every other number too, and keep the driver behaviour for other values', () => {
    const [sql, params] = escape('SELECT :rate, :big, :on, :name', { rate: 1.5, big: 1e300, on: true, name: 'x' });
    expect(sql).toBe('SELECT ?, ?, ?, ?');
    expect(params).toEqual([1.5, 1e300, 1, 'x']);
  });

  it('should refuse NaN and infinities rather than write them into the statement', () => {
    for (const value of [NaN, Infinity, -Infinity]) {
      expect(() => escape('SELECT :n', { n: value })).toThrow(/not a finite number/);
      expect(() => escape('SELECT :...n', { n: [1, value] })).toThrow(/not a finite number/);
    }
  });

  it('should store numbers with the type their literal had', async () => {
    const rows = await dataSource
      .createQueryBuilder()
      .select('typeof(:a)', 'a')
      .addSelect('typeof(:b)', 'b')
      .addSelect('typeof(:c)', 'c')
      .addSelect(':c', 'value')
      .from('t', 't')
      .setParameters({ a: 1.5, b: 2 ** 62, c: 2 ** 70 })
      .getRawMany<Record<string, unknown>>();
    expect(rows).toEqual([{ a: 'real', b: 'integer', c: 'real', value: 2 ** 70 }]);
  });

  it('should bind them as SQLite INTEGERs, as the inlined literal was (a JS number binds as REAL)', async () => {
    const rows = await dataSource
      .createQueryBuilder()
      .select('typeof(:n)', 'type')
      .addSelect('t.id', 'id')
      .from('t', 't')
      .where('t.code = :code', { code: 42 })
      .setParameter('n', 5)
      .getRawMany<{ type: string; id: number }>();
    // A REAL 42.0 would compare to the text column as '42.0' and find nothing.
    expect(rows).toEqual([{ type: 'integer', id: 7 }]);
  });
});
