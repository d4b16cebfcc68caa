import { cursorParameters, type CursorPosition, decodeCursor, encodeCursor, toCursorValue } from './cursor';
import { listOrder, type SortFields } from './list-order';

interface Row {
  id: number;
  at: Date;
  due: string | null;
}

const FIELDS: SortFields<Row> = {
  at: { column: 'at', type: 'timestamp', value: (r) => r.at },
  due: { column: 'due', type: 'date', nullable: true, value: (r) => r.due },
  id: { column: 'id', type: 'integer', value: (r) => r.id },
};
const ORDER = listOrder('rows', FIELDS, '-at,due,id');

const position: CursorPosition = {
  list: 'rows',
  sort: ORDER.signature,
  values: ['2024-01-15T09:00:00.123Z', null, 42],
  rowsBefore: 150,
};

describe('cursor', () => {
  it('should read back what it wrote, as URL-safe text', () => {
    const text = encodeCursor(position);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(position);
  });

  it('should refuse a cursor that was cut, edited or made up', () => {
    const text = encodeCursor(position);
    expect(decodeCursor(text.slice(0, -2))).toBeNull();
    // The same position with another row count, its JSON edited by hand.
    const bytes = Buffer.from(text, 'base64url');
    const edited = Buffer.from(bytes.toString('latin1').replace('150', '151'), 'latin1').toString('base64url');
    expect(decodeCursor(edited)).toBeNull();
    expect(decodeCursor(Buffer.from('[1,"rows","-at,due,id",[],0]').toString('base64url'))).toBeNull();
    expect(decodeCursor('not a cursor!')).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });

  it("should turn a row's values into parameters of the same instant and type", () => {
    const row = { id: 7, at: new Date('2024-01-15T09:00:00.5Z'), due: '2024-02-01' };
    const values = ORDER.keys.map((k) => toCursorValue(k, k.value(row)));
    expect(values).toEqual(['2024-01-15T09:00:00.500Z', '2024-02-01', 7]);
    expect(cursorParameters(ORDER, values)).toEqual([row.at, '2024-02-01', 7]);
    // SQLite hands timestamps back as UTC text.
    expect(toCursorValue(ORDER.keys[0], '2024-01-15 09:00:00.500')).toBe('2024-01-15T09:00:00.500Z');
  });

  it('should refuse values that do not fit the order', () => {
    expect(cursorParameters(ORDER, ['2024-01-15T09:00:00.000Z', null])).toBeNull();
    expect(cursorParameters(ORDER, ['yesterday', null, 1])).toBeNull();
    expect(cursorParameters(ORDER, ['2024-01-15T09:00:00.000Z', null, 1.5])).toBeNull();
    expect(cursorParameters(ORDER, [null, null, 1])).toBeNull();
    expect(cursorParameters(ORDER, ['2024-01-15T09:00:00.000Z', '1 Feb', 1])).toBeNull();
  });
});
