import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppModule } from './app.module';
import { toFieldErrors } from './common/errors/validation.pipe';
import { DomainError } from './common/errors/domain-error';
import { TransactionService } from './database/transaction.service';
import { ApiTokensService } from './modules/api-tokens/api-tokens.service';
import { CreateApiTokenDto } from './modules/api-tokens/dto/create-api-token.dto';
import { CreateUserDto } from './modules/users/dto/create-user.dto';
import { UsersRepository } from './modules/users/users.repository';
import { UsersService } from './modules/users/users.service';

/** `--name value` and `--flag` options. */
export function parseOptions(args: string[]): Map<string, string | true> {
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument: ${arg}`);
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      options.set(arg.slice(2), next);
      i++;
    } else {
      options.set(arg.slice(2), true);
    }
  }
  return options;
}

function validated<T extends object>(cls: new () => T, plain: object): T {
  const dto = plainToInstance(cls, plain);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields = toFieldErrors(errors);
    throw new Error(
      Object.entries(fields)
        .map(([f, m]) => `${f}: ${m.join('; ')}`)
        .join('\n'),
    );
  }
  return dto;
}

async function withApp<T>(work: (get: <S>(cls: new (...args: never[]) => S) => S) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    return await work((cls) => app.get(cls));
  } catch (error) {
    if (error instanceof DomainError) throw new Error(error.message, { cause: error });
    throw error;
  } finally {
    await app.close();
  }
}

/** users:create --username NAME [--admin] [--email E] [--full-name F] */
export async function createUserCommand(args: string[]): Promise<void> {
  const o = parseOptions(args);
  const dto = validated(CreateUserDto, {
    username: o.get('username'),
    role: o.get('admin') === true ? 'admin' : 'user',
    ...(typeof o.get('email') === 'string' ? { email: o.get('email') } : {}),
    ...(typeof o.get('full-name') === 'string' ? { full_name: o.get('full-name') } : {}),
  });
  await withApp(async (get) => {
    const user = await get(TransactionService).run(null, (m) => get(UsersService).insert(m, dto));
    process.stdout.write(`Created user ${user.username} (id ${user.id}, role ${user.role})\n`);
  });
}

/** tokens:create --user NAME --scopes a,b [--name N] [--expires-in-days D]; the token is the last stdout line. */
export async function createTokenCommand(args: string[]): Promise<void> {
  const o = parseOptions(args);
  const username = o.get('user');
  if (typeof username !== 'string') throw new Error('--user NAME is required');
  const scopes = o.get('scopes');
  const days = o.get('expires-in-days');
  const dto = validated(CreateApiTokenDto, {
    name: typeof o.get('name') === 'string' ? o.get('name') : 'cli',
    user_id: 1,
    scopes:
      typeof scopes === 'string'
        ? scopes
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ...(typeof days === 'string' ? { expires_in_days: /^\d+$/.test(days) ? Number(days) : days } : {}),
  });
  await withApp(async (get) => {
    const user = await get(UsersRepository).findByUsername(username);
    if (!user) throw new Error(`No user named '${username}'`);
    const { entity, token } = await get(TransactionService).run(null, (m) =>
      get(ApiTokensService).issue(m, user, { name: dto.name, scopes: dto.scopes, expiresInDays: dto.expires_in_days }),
    );
    process.stdout.write(
      `Created token ${entity.id} (${entity.tokenPrefix}...) for ${user.username}: ${entity.scopes.join(',')}\n`,
    );
    process.stdout.write(`${token}\n`);
  });
}
