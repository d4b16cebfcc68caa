import { decodeChangeCursor, encodeChangeCursor, visibleInSnapshot } from './change-cursor';

describe('change cursor', () => {
  it('should round-trip both kinds of position', () => {
    expect(decodeChangeCursor(encodeChangeCursor({ kind: 'id', id: 42 }), 'id')).toEqual({ kind: 'id', id: 42 });
    const inDelta = { kind: 'snapshot' as const, s: '10:14:11,12', u: '20:20:', a: 7 };
    expect(decodeChangeCursor(encodeChangeCursor(inDelta), 'snapshot')).toEqual(inDelta);
    const at = { kind: 'snapshot' as const, s: '20:20:' };
    expect(decodeChangeCursor(encodeChangeCursor(at), 'snapshot')).toEqual(at);
  });

  it('should refuse garbage, altered values and the other database kind', () => {
    const encode = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const [cursor, kind] of [
      ['bm90IGpzb24', 'id'],
      [encode({ k: 'id', i: -1 }), 'id'],
      [encode({ k: 'id', i: 1.5 }), 'id'],
      [encode({ k: 'snap', s: '1:2:x' }), 'snapshot'],
      [encode({ k: 'snap', s: '1:2:', u: '3:4:' }), 'snapshot'],
      [encodeChangeCursor({ kind: 'id', id: 1 }), 'snapshot'],
      [encodeChangeCursor({ kind: 'snapshot', s: '1:1:' }), 'id'],
    ] as const) {
      expect(() => decodeChangeCursor(cursor, kind)).toThrow('Validation failed');
    }
  });

  it('should tell which transactions a snapshot sees, as PostgreSQL does', () => {
    const snapshot = '100:110:102,105';
    expect([99n, 100n, 101n, 102n, 105n, 109n, 110n, 111n].map((x) => visibleInSnapshot(x, snapshot))).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(visibleInSnapshot(18446744073709551000n, '18446744073709551001:18446744073709551001:')).toBe(true);
  });
});
