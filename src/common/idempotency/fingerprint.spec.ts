import { canonicalJson, parseIdempotencyKey, requestFingerprint } from './fingerprint';

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
    expect(parseIdempotencyKey('a')).toBe('a');
    expect(parseIdempotencyKey('k'.repeat(128))).toBe('k'.repeat(128));
    expect(parseIdempotencyKey('k'.repeat(129))).toBeNull();
    expect(parseIdempotencyKey('')).toBeNull();
    expect(parseIdempotencyKey('two, keys')).toBeNull();
    expect(parseIdempotencyKey('clé')).toBeNull();
  });

  it('should read a structured-field string as the same key as its bare form', () => {
    expect(parseIdempotencyKey('"8e03978e-40d5"')).toBe('8e03978e-40d5');
    expect(parseIdempotencyKey(`"${'k'.repeat(128)}"`)).toBe('k'.repeat(128));
    expect(parseIdempotencyKey('""')).toBeNull();
    expect(parseIdempotencyKey('"two words"')).toBeNull();
    expect(parseIdempotencyKey('"a", "b"')).toBeNull();
    // Not a whole sf-string: kept as written.
    expect(parseIdempotencyKey('"abc')).toBe('"abc');
    expect(parseIdempotencyKey('a"b"')).toBe('a"b"');
  });
});
