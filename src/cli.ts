import 'reflect-metadata';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, loadConfig, overrideEnv } from './config/app-config';

const OPENAPI_FILE = 'openapi/openapi.json';

type Command = (args: string[]) => Promise<void>;

/** Admin CLI: `npm run cli -- <command> [options]`. Results go to stdout, diagnostics to stderr. */
const commands: Record<string, Command> = {
  'migration:run': async () => {
    const { withDataSource } = await import('./database/cli-data-source');
    await withDataSource(async (ds) => {
      const applied = await ds.runMigrations({ transaction: 'each' });
      process.stdout.write(`Applied ${applied.length} migration(s)${applied.map((m) => `\n  ${m.name}`).join('')}\n`);
    });
  },
  'migration:revert': async () => {
    const { withDataSource } = await import('./database/cli-data-source');
    await withDataSource((ds) => ds.undoLastMigration({ transaction: 'each' }));
  },
  // Fails when the entities describe a schema the migrations do not produce.
  'migration:check': async () => {
    const { withDataSource } = await import('./database/cli-data-source');
    await withDataSource(async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      const { upQueries } = await ds.driver.createSchemaBuilder().log();
      if (upQueries.length > 0) {
        const sql = upQueries.map((q) => `  ${q.query}`).join('\n');
        throw new Error(`Entities and migrations drift on ${ds.options.type}; missing:\n${sql}`);
      }
      process.stdout.write(`Migrations match the entities on ${ds.options.type}.\n`);
    });
  },
  'users:create': async (args) => (await import('./cli-identity')).createUserCommand(args),
  'tokens:create': async (args) => (await import('./cli-identity')).createTokenCommand(args),
  openapi: async (args) => {
    overrideEnv({ DATABASE_URL: 'sqlite::memory:', REDIS_URL: '', BOOTSTRAP_ADMIN_TOKEN: '', LOG_LEVEL: 'silent' });
    const { renderOpenApi } = await import('./openapi/render-openapi');
    const json = await renderOpenApi();
    if (args.includes('--check')) {
      let current = '';
      try {
        current = readFileSync(OPENAPI_FILE, 'utf8');
      } catch {
        // missing file counts as stale
      }
      if (current !== json) throw new Error(`${OPENAPI_FILE} is stale: run \`npm run openapi\` and commit it.`);
      process.stdout.write(`${OPENAPI_FILE} is up to date.\n`);
      return;
    }
    mkdirSync(dirname(OPENAPI_FILE), { recursive: true });
    writeFileSync(OPENAPI_FILE, json);
    process.stdout.write(`Wrote ${OPENAPI_FILE}\n`);
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`Usage: npm run cli -- <${Object.keys(commands).join('|')}> [options]\n`);
    process.exit(2);
  }
  try {
    if (name !== 'openapi') loadConfig();
    await command(args);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

void main();
