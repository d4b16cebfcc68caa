import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

/**
 * Migrates one template database per run; every e2e file copies it (fast, isolated). Also
 * compiles dist/ once, for the tests that start real server or CLI processes.
 */
export default async function globalSetup(): Promise<void> {
  (await import('./server-process')).buildDist();
  process.env.TZ = 'UTC';
  const isPostgres = process.env.TEST_DB === 'postgres';
  process.env.DATABASE_URL = isPostgres ? 'postgres://placeholder/kind-only' : 'sqlite::memory:';
  const { loadConfig } = await import('../../src/config/app-config');
  const { appDataSourceOptions } = await import('../../src/app-data-source');
  const db = await import('./test-databases');

  let url: string;
  if (isPostgres) {
    const name = `tt_tpl_${process.pid}_${Date.now()}`;
    await db.withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`));
    process.env.TEST_TEMPLATE_DB = name;
    url = db.postgresUrlFor(name);
  } else {
    const file = join(mkdtempSync(join(tmpdir(), 'tt-template-')), 'template.sqlite');
    process.env.TEST_TEMPLATE_DB = file;
    url = `sqlite:${file}`;
  }
  const ds = new DataSource(appDataSourceOptions(loadConfig({ ...process.env, DATABASE_URL: url })));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  if (!isPostgres) await ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
  await ds.destroy();
}
