import Database from 'better-sqlite3';
import fc from 'fast-check';
import { keysetCondition } from './keyset';
import { listOrder, type SortFields } from './list-order';

interface Row {
  id: number;
  priority: number;
  due: string | null;
  name: string;
}

const FIELDS: SortFields<Row> = {
  priority: { column: 'priority', type: 'integer', value: (r) => r.priority },
  due: { column: 'due', type: 'date', nullable: true, value: (r) => r.due },
  name: { column: 'name', type: 'string', value: (r) => r.name },
  id: { column: 'id', type: 'integer', value: (r) => r.id },
};

/** Few distinct values, so ties (and nulls) are common and every later key gets to decide. */
const row = fc.record({
  priority: fc.integer({ min: 1, max: 3 }),
  due: fc.option(fc.constantFrom('2024-01-01', '2024-02-01', '2024-03-01'), { nil: null }),
  name: fc.constantFrom('a', 'b', 'B', 'c'),
});
const spec = fc
  .shuffledSubarray(['priority', 'due', 'name', 'id'], { minLength: 1 })
  .chain((fields) => fc.tuple(...fields.map((f) => fc.constantFrom(f, `-${f}`))))
  .map((parts) => parts.join(','));

describe('keysetCondition', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL, due TEXT, name TEXT NOT NULL)');
  afterAll(() => db.close());

  it('should select exactly the rows after each position, for any order of nullable and tied keys', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 25 }), spec, (rows, sortSpec) => {
        db.exec('DELETE FROM t');
        const insert = db.prepare('INSERT INTO t (id, priority, due, name) VALUES (?, ?, ?, ?)');
        rows.forEach((r, i) => insert.run(i + 1, r.priority, r.due, r.name));
        const order = listOrder('t', FIELDS, sortSpec);
        const orderBy = order.keys
          .map(
            (k) =>
              `${k.column} ${k.direction}${k.nullable ? (k.direction === 'ASC' ? ' NULLS LAST' : ' NULLS FIRST') : ''}`,
          )
          .join(', ');
        const sorted = db.prepare(`SELECT * FROM t ORDER BY ${orderBy}`).all() as Row[];
        sorted.forEach((position, i) => {
          const { sql, parameters } = keysetCondition(
            order.keys,
            order.keys.map((k) => k.value(position)),
          );
          const after = db.prepare(`SELECT id FROM t WHERE ${sql} ORDER BY ${orderBy}`).all(parameters) as Row[];
          expect(after.map((r) => r.id)).toEqual(sorted.slice(i + 1).map((r) => r.id));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('should lead with a range on the first key, which an index on the order seeks', () => {
    const order = listOrder('t', FIELDS, '-priority,name');
    expect(keysetCondition(order.keys, [2, 'a']).sql).toBe(
      '(priority <= :keyset_0 AND (priority < :keyset_0 OR name >= :keyset_1 AND (name > :keyset_1 OR id > :keyset_2)))',
    );
  });

  it('should compare one row value when every key goes one way, so ties are sought, not filtered', () => {
    expect(keysetCondition(listOrder('t', FIELDS, '-priority,-id').keys, [2, 7]).sql).toBe(
      '((priority, id) < (:keyset_0, :keyset_1))',
    );
    // Descending, a nullable key fits; ascending, its nulls still follow.
    expect(keysetCondition(listOrder('t', FIELDS, '-due').keys, ['2024-01-01', 7]).sql).toBe(
      '((due, id) < (:keyset_0, :keyset_1))',
    );
    expect(keysetCondition(listOrder('t', FIELDS, 'due').keys, ['2024-01-01', 7]).sql).not.toMatch(/\(due, id\)/);
    expect(keysetCondition(listOrder('t', FIELDS, '-due').keys, [null, 7]).sql).not.toMatch(/\(due, id\)/);
  });
});

describe('listOrder', () => {
  it('should end every order with id, in the direction of the last field', () => {
    expect(listOrder('t', FIELDS, '-priority').signature).toBe('-priority,-id');
    expect(listOrder('t', FIELDS, 'name,-id,priority').signature).toBe('name,-id');
    expect(listOrder('t', FIELDS, 'due').keys.map((k) => [k.field, k.direction])).toEqual([
      ['due', 'ASC'],
      ['id', 'ASC'],
    ]);
  });

  it('should refuse unknown and repeated fields as a validation error on sort', () => {
    expect(() => listOrder('t', FIELDS, 'priority,nope,priority')).toThrow(
      expect.objectContaining({
        options: {
          errors: {
            sort: ["Unknown sort field 'nope'; one of priority, due, name, id.", "Sort field 'priority' is repeated."],
          },
        },
      }),
    );
  });
});
