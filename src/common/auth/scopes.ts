/** Scopes a token can hold (contract §3): REST_API.md's eleven plus inventory and webhooks. */
export const SCOPES = [
  'read:projects',
  'write:projects',
  'read:time_entries',
  'write:time_entries',
  'read:tasks',
  'write:tasks',
  'read:clients',
  'write:clients',
  'read:reports',
  'read:users',
  'read:inventory',
  'write:inventory',
  'read:webhooks',
  'write:webhooks',
  'admin:all',
] as const;

export type Scope = (typeof SCOPES)[number];

/** Grantable wildcards: `*` and `admin:all` grant everything; `read:*` / `write:*` a prefix. */
export const WILDCARD_SCOPES = ['*', 'read:*', 'write:*'] as const;

export const GRANTABLE_SCOPES: readonly string[] = [...SCOPES, ...WILDCARD_SCOPES];

export function isGrantableScope(scope: string): boolean {
  return GRANTABLE_SCOPES.includes(scope);
}

/** Write never implies read: `write:*` grants only `write:` scopes. */
export function isScopeGranted(granted: readonly string[], required: string): boolean {
  if (granted.includes('*') || granted.includes('admin:all') || granted.includes(required)) return true;
  const [action] = required.split(':');
  return action !== 'admin' && granted.includes(`${action}:*`);
}

/** The first required scope the token lacks, or null. */
export function missingScope(granted: readonly string[], required: readonly string[]): string | null {
  return required.find((scope) => !isScopeGranted(granted, scope)) ?? null;
}
