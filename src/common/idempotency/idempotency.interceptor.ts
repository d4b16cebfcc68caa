import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, of, switchMap } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { errorResponse } from '../errors/error-body';
import { ErrorCode } from '../errors/error-code';
import { toDomainError } from '../errors/to-domain-error';
import { idempotencyContext } from './idempotency-context';
import { parseIdempotencyKey, requestFingerprint } from './fingerprint';
import { REDACT_ON_REPLAY } from './redact-on-replay.decorator';
import { MetricsService } from '../../modules/metrics/metrics.service';
import { IdempotencyStore } from './idempotency.store';

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
 * 401/403/429 never touch a key; validation happens inside, and its 400 releases the key.
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
    const path = request.url.split('?')[0];
    const fingerprint = requestFingerprint(request.method, path, request.body);
    const redact = (Reflect.getMetadata(REDACT_ON_REPLAY, context.getHandler()) as string[] | undefined) ?? [];

    return from(this.store.begin(request.auth.tokenId, key, fingerprint)).pipe(
      switchMap((outcome) => {
        switch (outcome.kind) {
          case 'replay':
            this.metrics.idempotentReplays.inc();
            void reply.status(outcome.status).header('Idempotent-Replayed', 'true').type(JSON_TYPE);
            return of(outcome.body);
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
          case 'run':
            return this.run(outcome.recordId, next, { request, reply, redact });
        }
      }),
    );
  }

  private run(recordId: number, next: CallHandler, { request, reply, redact }: RunOptions) {
    return new Observable<unknown>((subscriber) =>
      // The handler runs inside the context, so its transaction marks the record as committed.
      idempotencyContext.run({ recordId }, () => {
        const subscription = next.handle().subscribe({
          next: (result) => {
            // Sent as the exact string stored, so the replay is byte-identical.
            const body = JSON.stringify(result ?? null);
            // Nest sets the route's status before the handler runs; a handler may have changed it.
            this.store.complete(recordId, reply.statusCode, redacted(result, body, redact)).then(
              () => {
                void reply.type(JSON_TYPE);
                subscriber.next(body);
                subscriber.complete();
              },
              (error: unknown) => subscriber.error(error),
            );
          },
          error: (error: unknown) => {
            const { domainError } = toDomainError(error);
            const response = errorResponse(domainError, String(request.id));
            const settle = STORED_ERRORS.has(domainError.code)
              ? this.store.complete(recordId, response.status, JSON.stringify(response.body))
              : this.store.release(recordId);
            settle.then(
              () => subscriber.error(error),
              () => subscriber.error(error),
            );
          },
        });
        return () => subscription.unsubscribe();
      }),
    );
  }
}

interface RunOptions {
  request: FastifyRequest;
  reply: FastifyReply;
  redact: string[];
}

function redacted(result: unknown, body: string, fields: string[]): string {
  if (fields.length === 0 || !result || typeof result !== 'object') return body;
  const copy: Record<string, unknown> = { ...(result as Record<string, unknown>) };
  for (const field of fields) if (field in copy) copy[field] = null;
  return JSON.stringify(copy);
}
