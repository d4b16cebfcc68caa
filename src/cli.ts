import 'reflect-metadata';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommanderError } from 'commander';
import { loadConfig, overrideEnv } from './config/app-config';

const OPENAPI_FILE = 'openapi/openapi.json';

/**
 * Admin CLI: `npm run cli -- <command> [options]`; `--help` on the program and on every command.
 * Results go to stdout, diagnostics to stderr; exit status 1 on any error.
 */
export function buildCli(): Command {
  const program = new Command('npm run cli --')
    .description('TimeTracker API administration: users, tokens, migrations and the OpenAPI document.')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  program
    .command('users:create')
    .description('Create a user (role "user", or "admin" with --admin).')
    .requiredOption('--username <name>', 'login name (stored lower-cased, unique)')
    .option('--admin', 'give the user the admin role')
    .option('--email <email>', 'e-mail address')
    .option('--full-name <name>', 'full name')
    .action(async (options: { username: string; admin?: boolean; email?: string; fullName?: string }) => {
      loadConfig();
      await (await import('./cli-identity')).createUserCommand(options);
    });

  program
    .command('tokens:create')
    .description('Create an API token for a user; the token is printed alone on the last line of stdout.')
    .requiredOption('--user <name>', 'username of the token owner')
    .requiredOption('--scopes <list>', 'comma list of scopes, e.g. read:time_entries,write:time_entries or admin:all')
    .option('--name <name>', 'a label for the token', 'cli')
    .option('--expires-in-days <days>', 'expire the token after this many days (1-3650)')
    .action(async (options: { user: string; scopes: string; name: string; expiresInDays?: string }) => {
      loadConfig();
      await (await import('./cli-identity')).createTokenCommand(options);
    });

  program
    .command('migration:run')
    .description('Apply pending database migrations (npm start does this too).')
    .action(async () => {
      loadConfig();
      const { withDataSource } = await import('./app-data-source');
      await withDataSource(async (ds) => {
        const applied = await ds.runMigrations({ transaction: 'each' });
        process.stdout.write(`Applied ${applied.length} migration(s)${applied.map((m) => `\n  ${m.name}`).join('')}\n`);
      });
    });

  program
    .command('migration:revert')
    .description('Revert the most recent migration.')
    .action(async () => {
      loadConfig();
      const { withDataSource } = await import('./app-data-source');
      await withDataSource((ds) => ds.undoLastMigration({ transaction: 'each' }));
    });

  program
    .command('migration:check')
    .description('Apply migrations, then fail if the entities describe a schema the migrations do not produce.')
    .action(async () => {
      loadConfig();
      const { withDataSource } = await import('./app-data-source');
      await withDataSource(async (ds) => {
        await ds.runMigrations({ transaction: 'each' });
        const { upQueries } = await ds.driver.createSchemaBuilder().log();
        if (upQueries.length > 0) {
          const sql = upQueries.map((q) => `  ${q.query}`).join('\n');
          throw new Error(`Entities and migrations drift on ${ds.options.type}; missing:\n${sql}`);
        }
        process.stdout.write(`Migrations match the entities on ${ds.options.type}.\n`);
      });
    });

  program
    .command('openapi')
    .description(`Write ${OPENAPI_FILE} from the code (stable key order).`)
    .option('--check', `fail when ${OPENAPI_FILE} is stale instead of writing it`)
    .action(async (options: { check?: boolean }) => {
      overrideEnv({ DATABASE_URL: 'sqlite::memory:', REDIS_URL: '', BOOTSTRAP_ADMIN_TOKEN: '', LOG_LEVEL: 'silent' });
      const { renderOpenApi } = await import('./openapi/render-openapi');
      const json = await renderOpenApi();
      if (options.check) {
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
    });

  return program;
}

async function main(): Promise<void> {
  const program = buildCli();
  if (process.argv.length <= 2) {
    program.outputHelp({ error: true });
    process.exit(1);
  }
  try {
    await program.parseAsync(process.argv);
    process.exit(0);
  } catch (error) {
    // Commander has already printed its own message (unknown flag, missing option, --help).
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
