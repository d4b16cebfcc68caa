import { isGrantableScope, isScopeGranted, missingScope } from './scopes';

describe('scopes', () => {
  it('should grant everything to admin:all and *', () => {
    expect(isScopeGranted(['admin:all'], 'write:projects')).toBe(true);
    expect(isScopeGranted(['*'], 'read:reports')).toBe(true);
    expect(isScopeGranted(['*'], 'admin:all')).toBe(true);
  });

  it('should grant by prefix wildcard only within the same action', () => {
    expect(isScopeGranted(['read:*'], 'read:time_entries')).toBe(true);
    expect(isScopeGranted(['read:*'], 'write:time_entries')).toBe(false);
    expect(isScopeGranted(['write:*'], 'write:clients')).toBe(true);
  });

  it('should never let write imply read', () => {
    expect(isScopeGranted(['write:projects'], 'read:projects')).toBe(false);
    expect(isScopeGranted(['write:*'], 'read:projects')).toBe(false);
  });

  it('should not let read:* or write:* grant admin:all', () => {
    expect(isScopeGranted(['read:*', 'write:*'], 'admin:all')).toBe(false);
  });

  it('should name the first missing scope', () => {
    expect(missingScope(['read:projects'], ['read:projects', 'write:projects'])).toBe('write:projects');
    expect(missingScope(['read:projects'], ['read:projects'])).toBeNull();
  });

  it('should refuse unknown scope strings', () => {
    expect(isGrantableScope('read:everything')).toBe(false);
    expect(isGrantableScope('read:*')).toBe(true);
    expect(isGrantableScope('read:inventory')).toBe(true);
  });
});
