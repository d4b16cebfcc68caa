import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable, of, switchMap } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { errorResponse } from '../errors/error-body';
import { ErrorCode } from '../errors/error-code';
import { toDomainError } from '../errors/to-domain-error';
import { IdempotencyKeyBusyError, IdempotencyKeyTakenError } from './idempotency-claim';
import { bindIdempotency, type IdempotencyContext } from './idempotency-context';
import { parseIdempotencyKey, requestFingerprint } from './fingerprint';
import { REDACT_ON_REPLAY } from './redact-on-replay.decorator';
import { MetricsService } from '../../modules/metrics/metrics.service';
import { IdempotencyStore, type OtherOutcome } from './idempotency.store';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const JSON_TYPE = 'application/json; charset=utf-8';

/** Business-rule answers of a request that ran: replayed like a success (contract §5). */
const STORED_ERRORS = new Set<ErrorCode>([
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.TimerAlreadyRunning,
  ErrorCode.NoActiveTimer,
  ErrorCode.TimeOverlap,
  ErrorCode.InsufficientStock,
]);

/**
 * `Idempotency-Key` on every authenticated POST: the first request runs and its response is
 * stored; a retry with the same request gets that response byte for byte (`Idempotent-Replayed`),
 * a different request 422, a retry while the first still runs 409. Runs after the guards, so
 * 401/403/429 never touch a key. The key is claimed by the handler's first transaction, in the
 * same transaction as the change (TransactionService): a validation failure, which comes before
 * any, never claims it, and a transaction that rolls back leaves it free. Every write a POST makes
 * is in a transaction (webhooks go through the outbox), so a retry that finds the key taken has
 * changed nothing before it answers with the first request's outcome.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly metrics: MetricsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const raw = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (request.method !== 'POST' || raw === undefined || !request.auth) return next.handle();
    const key = parseIdempotencyKey(Array.isArray(raw) ? raw.join(', ') : raw);
    if (key === null) {
      throw new DomainError(ErrorCode.BadRequest, 'Idempotency-Key must be 1-128 visible ASCII characters.', {
        title: 'Invalid Idempotency-Key',
      });
    }
    const claim = this.store.newClaim(
      request.auth.tokenId,
      key,
      requestFingerprint(request.method, request.url, request.body),
    );
    const redact = (Reflect.getMetadata(REDACT_ON_REPLAY, context.getHandler()) as string[] | undefined) ?? [];
    const idempotency: IdempotencyContext = { claim, recordId: null, mark: false, responses: this.store };
    // The handler's services pass its caller to TransactionService, which finds the key through
    // it: a copy of its own, so that no other request can ever share the object.
    request.auth = { ...request.auth };
    bindIdempotency(request.auth, idempotency);
    return from(this.execute(idempotency, next, { request, reply, redact })).pipe(
      switchMap((answer) => this.answer(answer, reply)),
    );
  }

  /**
   * Runs the handler under the key: its first transaction claims it. When that finds the key taken,
   * the stored outcome is the answer, unless the key was abandoned (the first request died before
   * committing): then this request takes it over and the handler runs once more.
   */
  private async execute(idempotency: IdempotencyContext, next: CallHandler, options: RunOptions): Promise<Answer> {
    for (;;) {
      let result: unknown;
      try {
        result = await lastValueFrom(next.handle(), { defaultValue: null });
      } catch (error) {
        if (error instanceof IdempotencyKeyBusyError) return { kind: 'in_progress' };
        if (!(error instanceof IdempotencyKeyTakenError)) return this.failed(idempotency, error, options.request);
        const other = await this.holdKey(idempotency);
        if (other) return other;
        continue;
      }
      // Sent as the exact string stored, so the replay is byte-identical.
      const body = JSON.stringify(result ?? null);
      // A handler that ran no transaction (it changed nothing) claims the key now.
      const other = await this.holdKey(idempotency);
      if (other) return other;
      // Nest sets the route's status before the handler runs; a handler may have changed it.
      this.store.complete(idempotency.recordId!, options.reply.statusCode, redacted(result, body, options.redact));
      return { kind: 'sent', body };
    }
  }

  /**
   * Makes sure this request holds its key: if no transaction of its own claimed it, the store does,
   * outside any (its transactions, if any, then mark the record committed). Null when it holds the
   * key, else the outcome of the request that does.
   */
  private async holdKey(idempotency: IdempotencyContext): Promise<OtherOutcome | null> {
    if (idempotency.recordId !== null) return null;
    const outcome = await this.store.begin(idempotency.claim);
    if (outcome.kind !== 'run') return outcome;
    Object.assign(idempotency, { recordId: outcome.recordId, mark: true });
    return null;
  }

  /**
   * A business-rule error is stored like a success (its transaction, and the claim with it, rolled
   * back: the key is claimed again to hold it); any other error leaves the key free for a retry.
   * Rethrows the error, unless the key already belongs to another request (a retry of a finished
   * one, or a different request under a used key): then that request's outcome is the answer.
   */
  private async failed(idempotency: IdempotencyContext, error: unknown, request: FastifyRequest): Promise<Answer> {
    const { domainError } = toDomainError(error);
    try {
      if (STORED_ERRORS.has(domainError.code)) {
        const other = await this.holdKey(idempotency);
        if (other) return other;
        const response = errorResponse(domainError, String(request.id));
        this.store.complete(idempotency.recordId!, response.status, JSON.stringify(response.body));
      } else if (idempotency.recordId === null) {
        // Failed before claiming (validation comes first): a key already used still answers as such.
        const other = await this.store.existingOutcome(idempotency.claim);
        if (other) return other;
      } else if (idempotency.mark) {
        await this.store.release(idempotency.recordId);
      }
    } catch {
      // The key could not be settled (the database is down): the error itself is the answer.
    }
    throw error;
  }

  private answer(answer: Answer, reply: FastifyReply): Observable<unknown> {
    switch (answer.kind) {
      case 'sent':
        void reply.type(JSON_TYPE);
        return of(answer.body);
      case 'replay':
        this.metrics.idempotentReplays.inc();
        void reply.status(answer.status).header('Idempotent-Replayed', 'true').type(JSON_TYPE);
        return of(answer.body);
      case 'mismatch':
        throw new DomainError(
          ErrorCode.IdempotencyKeyMismatch,
          'This Idempotency-Key was already used with a different request.',
        );
      case 'in_progress':
        throw new DomainError(
          ErrorCode.IdempotencyKeyInUse,
          'A request with this Idempotency-Key is still being processed.',
          {
            headers: { 'Retry-After': '1' },
          },
        );
      case 'lost_response':
        throw new DomainError(
          ErrorCode.Conflict,
          'A request with this Idempotency-Key completed, but its response could not be stored; check the resource before retrying with a new key.',
        );
    }
  }
}

/** What to answer: the handler's own response (sent), or the outcome stored under the key. */
type Answer = { kind: 'sent'; body: string } | OtherOutcome;

interface RunOptions {
  request: FastifyRequest;
  reply: FastifyReply;
  redact: string[];
}

function redacted(result: unknown, body: string, fields: string[]): string {
  if (fields.length === 0 || !result || typeof result !== 'object') return body;
  const copy: Record<string, unknown> = { ...(result as Record<string, unknown>) };
  for (const field of fields) redactPath(copy, field.split('.'));
  return JSON.stringify(copy);
}

/** Nulls the field at `path` (`webhook.secret`), copying each object on the way: the response sent is untouched. */
function redactPath(target: Record<string, unknown>, [name, ...rest]: string[]): void {
  if (!(name in target)) return;
  if (rest.length === 0) {
    target[name] = null;
    return;
  }
  const child = target[name];
  if (!child || typeof child !== 'object' || Array.isArray(child)) return;
  const copy = { ...(child as Record<string, unknown>) };
  target[name] = copy;
  redactPath(copy, rest);
}
