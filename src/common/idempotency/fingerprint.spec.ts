import { canonicalJson, isValidIdempotencyKey, requestFingerprint } from './fingerprint';

describe('idempotency fingerprint', () => {
  it('should not depend on key order or whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(requestFingerprint('POST', '/a', { x: 1, y: 2 })).toBe(requestFingerprint('post', '/a', { y: 2, x: 1 }));
  });

  it('should differ by method, path and body', () => {
    const base = requestFingerprint('POST', '/a', { x: 1 });
    expect(requestFingerprint('POST', '/b', { x: 1 })).not.toBe(base);
    expect(requestFingerprint('POST', '/a', { x: 2 })).not.toBe(base);
    expect(requestFingerprint('POST', '/a', 'x=1')).not.toBe(base);
  });

  it('should accept 1-128 visible ASCII characters only', () => {
    expect(isValidIdempotencyKey('a')).toBe(true);
    expect(isValidIdempotencyKey('k'.repeat(128))).toBe(true);
    expect(isValidIdempotencyKey('k'.repeat(129))).toBe(false);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('two, keys')).toBe(false);
    expect(isValidIdempotencyKey('clé')).toBe(false);
  });
});
