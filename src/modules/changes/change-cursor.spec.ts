import { decodeChangeCursor, encodeChangeCursor, visibleInSnapshot, widenXid } from './change-cursor';

describe('change cursor', () => {
  it('should round-trip both kinds of position', () => {
    expect(decodeChangeCursor(encodeChangeCursor({ kind: 'id', id: 42 }), 'id')).toEqual({ kind: 'id', id: 42 });
    const inDelta = {
      kind: 'snapshot' as const,
      since: { snapshot: '10:14:11,12', idFloor: 40, running: ['11', '15'] },
      until: { snapshot: '20:20:', idFloor: 90, running: [] },
      after: 7,
    };
    expect(decodeChangeCursor(encodeChangeCursor(inDelta), 'snapshot')).toEqual(inDelta);
    const at = { kind: 'snapshot' as const, since: { snapshot: '20:20:', idFloor: 90, running: [] } };
    expect(decodeChangeCursor(encodeChangeCursor(at), 'snapshot')).toEqual(at);
  });

  it('should read a cursor from before horizons had floors as floor 0 (the walk from the first id)', () => {
    const encode = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    expect(decodeChangeCursor(encode({ k: 'snap', s: '20:20:' }), 'snapshot')).toEqual({
      kind: 'snapshot',
      since: { snapshot: '20:20:', idFloor: 0, running: [] },
    });
    expect(decodeChangeCursor(encode({ k: 'snap', s: '10:14:', u: '20:20:', a: 7 }), 'snapshot')).toEqual({
      kind: 'snapshot',
      since: { snapshot: '10:14:', idFloor: 0, running: [] },
      until: { snapshot: '20:20:', idFloor: 0, running: [] },
      after: 7,
    });
  });

  it('should widen a 32-bit transaction id to the 64-bit one near the snapshot', () => {
    expect(widenXid('105', '100:110:')).toBe('105');
    // Epoch 1: 2^32 + 5; a running id just below the wrap belongs to epoch 0.
    const snapshot = `${2 ** 32 + 5}:${2 ** 32 + 9}:`;
    expect(widenXid('7', snapshot)).toBe(String(2 ** 32 + 7));
    expect(widenXid(String(2 ** 32 - 3), snapshot)).toBe(String(2 ** 32 - 3));
  });

  it('should refuse garbage, altered values and the other database kind', () => {
    const encode = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const [cursor, kind] of [
      ['bm90IGpzb24', 'id'],
      [encode({ k: 'id', i: -1 }), 'id'],
      [encode({ k: 'id', i: 1.5 }), 'id'],
      [encode({ k: 'snap', s: '1:2:x' }), 'snapshot'],
      [encode({ k: 'snap', s: '1:2:', u: '3:4:' }), 'snapshot'],
      [encode({ k: 'snap', s: '1:2:', f: -1 }), 'snapshot'],
      [encode({ k: 'snap', s: '1:2:', r: [5] }), 'snapshot'],
      [encode({ k: 'snap', s: '1:2:', r: 'x' }), 'snapshot'],
      [encodeChangeCursor({ kind: 'id', id: 1 }), 'snapshot'],
      [encodeChangeCursor({ kind: 'snapshot', since: { snapshot: '1:1:', idFloor: 0, running: [] } }), 'id'],
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
