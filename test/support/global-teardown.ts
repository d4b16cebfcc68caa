/** Drops the template and every per-file copy made in this run (PostgreSQL; SQLite files live in tmp). */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.TEST_TEMPLATE_DB;
  if (process.env.TEST_DB !== 'postgres' || !template) return;
  const { withAdminClient } = await import('./test-databases');
  await withAdminClient(async (c) => {
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${template}%`,
    ]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
