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

/** Validates with the API's own DTO; errors name the CLI flag (`--email: ...`), not the body field. */
function validated<T extends object>(cls: new () => T, plain: object, flags: Record<string, string>): T {
  const dto = plainToInstance(cls, plain);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields = toFieldErrors(errors);
    throw new Error(
      Object.entries(fields)
        .map(([f, m]) => `${flags[f] ?? f}: ${m.join('; ')}`)
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
export async function createUserCommand(options: {
  username: string;
  admin?: boolean;
  email?: string;
  fullName?: string;
}): Promise<void> {
  const dto = validated(
    CreateUserDto,
    {
      username: options.username,
      role: options.admin ? 'admin' : 'user',
      ...(options.email !== undefined ? { email: options.email } : {}),
      ...(options.fullName !== undefined ? { full_name: options.fullName } : {}),
    },
    { username: '--username', email: '--email', full_name: '--full-name', role: '--admin' },
  );
  await withApp(async (get) => {
    const user = await get(TransactionService).run(null, (m) => get(UsersService).insert(m, dto));
    process.stdout.write(`Created user ${user.username} (id ${user.id}, role ${user.role})\n`);
  });
}

/** tokens:create --user NAME --scopes a,b [--name N] [--expires-in-days D]; the token is the last stdout line. */
export async function createTokenCommand(options: {
  user: string;
  scopes: string;
  name: string;
  expiresInDays?: string;
}): Promise<void> {
  const username = options.user;
  const days = options.expiresInDays;
  const dto = validated(
    CreateApiTokenDto,
    {
      name: options.name,
      user_id: 1,
      scopes: options.scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      ...(days !== undefined ? { expires_in_days: /^\d+$/.test(days) ? Number(days) : days } : {}),
    },
    { scopes: '--scopes', expires_in_days: '--expires-in-days', name: '--name' },
  );
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
