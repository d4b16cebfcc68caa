import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** Which database this jest run targets: set by scripts/run-tests.js (default sqlite). */
export const TEST_DB = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? '';

export function postgresUrlFor(database: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * An empty, unmigrated database of the run's kind for a migration test, as a DATABASE_URL: a
 * temporary SQLite file, or a PostgreSQL database named after the run's template so that
 * global-teardown drops it with the others. Not dropped by the test: DROP DATABASE waits for a
 * checkpoint, which under load can outlast a hook's timeout (a timed checkpoint took 90 s).
 */
export async function emptyDatabaseUrl(label: string): Promise<string> {
  if (TEST_DB === 'sqlite') return `sqlite:${join(mkdtempSync(join(tmpdir(), `tt-${label}-`)), 'mig.sqlite')}`;
  const name = `${process.env.TEST_TEMPLATE_DB}_${label}_${process.pid}_${Date.now()}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`));
  return postgresUrlFor(name);
}

/**
 * A fresh migrated database for one test file: a copy of the template that global-setup migrated
 * once (SQLite: file copy; PostgreSQL: CREATE DATABASE ... TEMPLATE).
 */
export async function createFreshDatabase(): Promise<string> {
  const template = process.env.TEST_TEMPLATE_DB;
  if (!template) throw new Error('TEST_TEMPLATE_DB is not set: run e2e tests through jest (global-setup).');
  const suffix = `${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  if (TEST_DB === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tt-e2e-'));
    const file = join(dir, 'test.sqlite');
    copyFileSync(template, file);
    return `sqlite:${file}`;
  }
  const name = `${template}_${suffix}`;
  // Copies from one template cannot overlap; retry while another worker is copying.
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdminClient((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      return postgresUrlFor(name);
    } catch (error) {
      if (attempt >= 50 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
    }
  }
}
