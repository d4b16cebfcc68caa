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

  it('should differ by query string, but not by the order of its parameters', () => {
    const csv = Buffer.from('project_id,start_time,end_time\n');
    const plain = requestFingerprint('POST', '/import', csv);
    const dryRun = requestFingerprint('POST', '/import?dry_run=true', csv);
    expect(dryRun).not.toBe(plain);
    expect(requestFingerprint('POST', '/import?dry_run=false', csv)).not.toBe(dryRun);
    expect(requestFingerprint('POST', '/import?atomic=true&dry_run=true', csv)).toBe(
      requestFingerprint('POST', '/import?dry_run=true&atomic=true', csv),
    );
    // Repeated parameters keep their order; encodings of one value are one value.
    expect(requestFingerprint('POST', '/a?t=1&t=2', null)).not.toBe(requestFingerprint('POST', '/a?t=2&t=1', null));
    expect(requestFingerprint('POST', '/a?q=a%20b', null)).toBe(requestFingerprint('POST', '/a?q=a+b', null));
    // An empty query is no query.
    expect(requestFingerprint('POST', '/import?', csv)).toBe(plain);
  });

  it('should fingerprint a request without a query as before the query counted', () => {
    // Keys stored by the previous release must still match their retries.
    expect(requestFingerprint('POST', '/api/v1/users', { username: 'a' })).toBe(
      'e92c0d11266054cf8f5b2d940704b54c5e9eea7789cfe3992211ace797662561',
    );
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
