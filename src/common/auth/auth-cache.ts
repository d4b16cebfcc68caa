import { Injectable } from '@nestjs/common';

/**
 * Token lookups are cached in-process for at most this long, so a revocation, rotation or user
 * deactivation made by any process takes effect everywhere within it (contract: within 1 s).
 * The process that makes the change also clears its cache at once.
 */
export const AUTH_CACHE_TTL_MS = 500;
const MAX_ENTRIES = 10_000;

@Injectable()
export class AuthCache {
  private readonly entries = new Map<string, { value: unknown; until: number }>();

  async getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.value as T;
    const value = await load();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, until: now + AUTH_CACHE_TTL_MS });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
