import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { AddRouteConfig } from './route-config';

export interface ConditionalConfig {
  /** The envelope key of the resource in the body: `project`, `time_entry`. */
  envelope: string;
}

/**
 * Conditional requests (contract §10). A resource's ETag is a hash of its representation: the
 * JSON of the body its single GET sends (`{"project": {...}}`), so it changes exactly when that
 * body does, derived values (a project's hours) included, with no version column to keep.
 *
 * - A GET of a `@Conditional()` route gets the tag of the bytes it sends, and 304 for a matching
 *   `If-None-Match` (the `onSend` hook below).
 * - A PUT/PATCH/DELETE answer carries the tag of the resource as a GET would now send it (its
 *   envelope key alone, without `message`).
 * - Services check `If-Match` with `assertIfMatch` inside their transaction, after locking the row
 *   (`lockRowForUpdate`), on the representation built by the same code the GET uses. Anything
 *   else (another mapper, another envelope) makes tags that never match.
 *
 * A handler may set `ETag` itself (time entries, whose running duration grows every second, tag
 * the representation without it); the hook then keeps it.
 */
export function Conditional(envelope: string): MethodDecorator {
  return AddRouteConfig({ conditional: { envelope } });
}

/** The `@Conditional()` a handler declares, if any (the OpenAPI document reads it). */
export function conditionalOf(handler: object): ConditionalConfig | null {
  const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as FastifyContextConfig | undefined;
  return config?.conditional ?? null;
}

/** The request's `If-Match` header, for the service that guards the write. */
export const IfMatch = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  return Array.isArray(value) ? value.join(', ') : value;
});

/** A strong tag of JSON text: 27 base64url characters of its SHA-256 (160 bits), quoted. */
export function tagOfJson(json: string | Buffer): string {
  return `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
}

/** The tag of a representation: the same bytes Fastify sends for it (`JSON.stringify`). */
export function entityTag(representation: unknown): string {
  return tagOfJson(JSON.stringify(representation));
}

/** `*`, or the entity-tags of a list header (`"a", W/"b"`). */
function parseTags(header: string): '*' | string[] {
  if (header.trim() === '*') return '*';
  return header.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

/** If-Match: strong comparison (RFC 9110 §13.1.1), a weak tag never matches. */
export function ifMatchHolds(header: string, current: string): boolean {
  const tags = parseTags(header);
  return tags === '*' || tags.includes(current);
}

/** If-None-Match: weak comparison (RFC 9110 §13.1.2), `W/` ignored. */
export function ifNoneMatchHolds(header: string, current: string): boolean {
  const tags = parseTags(header);
  return tags === '*' || tags.some((tag) => tag.replace(/^W\//, '') === current);
}

/**
 * Throws 409 `conflict` unless `ifMatch` (absent: no condition) names the current representation,
 * which `represent` builds exactly as the GET does, envelope included. Call it inside the write's
 * transaction, after the row is locked, so nothing can change it between the check and the write.
 */
export async function assertIfMatch(ifMatch: string | undefined, represent: () => unknown): Promise<void> {
  if (ifMatch === undefined) return;
  // `*`: any current representation; the caller found the row, so it holds.
  if (parseTags(ifMatch) === '*') return;
  if (!ifMatchHolds(ifMatch, entityTag(await represent()))) throw staleIfMatch();
}

/** The 409 of a failed precondition (`If-Match`, or a body field such as `if_updated_at`). */
export function staleIfMatch(): DomainError {
  return new DomainError(
    ErrorCode.Conflict,
    'The resource changed since you read it (If-Match); fetch it again and retry.',
  );
}

/**
 * Locks the row a write is about to read and change, until the transaction ends: PostgreSQL
 * `SELECT ... FOR NO KEY UPDATE`, the lock its UPDATE takes anyway, which rows that refer to it
 * (a time entry inserted for the project) do not wait for. SQLite needs nothing: its writers run
 * one at a time already.
 */
export async function lockRowForUpdate(
  manager: EntityManager,
  target: EntityTarget<ObjectLiteral>,
  id: number,
): Promise<void> {
  if (manager.connection.options.type !== 'postgres') return;
  await manager
    .createQueryBuilder(target, 'row')
    .select('row.id')
    .where('row.id = :id', { id })
    .setLock('for_no_key_update')
    .getRawOne();
}

/** The `onSend` hook: sets `ETag` on the 200s of `@Conditional()` routes and answers 304 to a GET. */
export function answerConditionally() {
  return (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: Error | null, payload?: unknown) => void,
  ): void => {
    const conditional = request.routeOptions.config.conditional;
    if (!conditional || reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) {
      return done(null, payload);
    }
    const read = request.method === 'GET' || request.method === 'HEAD';
    const preset = reply.getHeader('etag');
    const tag = typeof preset === 'string' ? preset : read ? tagOfJson(payload) : writtenTag(payload, conditional);
    if (tag === null) return done(null, payload);
    void reply.header('ETag', tag);
    const ifNoneMatch = request.headers['if-none-match'];
    if (read && ifNoneMatch !== undefined && ifNoneMatchHolds(ifNoneMatch, tag)) {
      void reply.code(304).removeHeader('content-type').removeHeader('content-length');
      return done(null, null);
    }
    done(null, payload);
  };
}

/** A write's answer (`{"message", "project"}`): the tag of `{"project"}`, what a GET sends now. */
function writtenTag(payload: string | Buffer, { envelope }: ConditionalConfig): string | null {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || !(envelope in body)) return null;
  // JSON.parse then JSON.stringify gives back the same text for what JSON.stringify wrote.
  return entityTag({ [envelope]: (body as Record<string, unknown>)[envelope] });
}
