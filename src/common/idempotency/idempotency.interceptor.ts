import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, map, type Observable } from 'rxjs';
import { TransactionService } from '../../database/transaction.service';
import { MetricsService } from '../../modules/metrics/metrics.service';
import { DomainError } from '../errors/domain-error';
import { errorResponse } from '../errors/error-body';
import { ErrorCode } from '../errors/error-code';
import { toDomainError } from '../errors/to-domain-error';
import { parseIdempotencyKey, requestFingerprint } from './fingerprint';
import { IdempotencyParticipant } from './idempotency.participant';
import { IdempotencyKeyTakenError, IdempotencyStore, type StoredResponse } from './idempotency.store';
import { REDACT_ON_REPLAY, redacted } from './redact-on-replay.decorator';

/** Business-rule answers of a request that ran: replayed like a success (contract §5). */
const STORED_ERRORS = new Set<ErrorCode>([
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.TimerAlreadyRunning,
  ErrorCode.NoActiveTimer,
  ErrorCode.TimeOverlap,
  ErrorCode.InsufficientStock,
]);

type Run = { handle: () => Promise<unknown>; request: FastifyRequest; reply: FastifyReply; redact: string[] };

/**
 * `Idempotency-Key` on every authenticated POST, after the guards (401/403/429 never touch a key).
 * The handler's first transaction claims the key (IdempotencyParticipant); the response is stored
 * before it is sent.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly transactions: TransactionService,
    private readonly metrics: MetricsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const raw = request.headers['idempotency-key'];
    if (request.method !== 'POST' || raw === undefined || !request.auth) return next.handle();
    const key = parseIdempotencyKey(Array.isArray(raw) ? raw.join(', ') : raw);
    if (key === null) {
      throw new DomainError(ErrorCode.BadRequest, 'Idempotency-Key must be 1-128 visible ASCII characters.', {
        title: 'Invalid Idempotency-Key',
      });
    }
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    const keyed = new IdempotencyParticipant(this.store, { tokenId: request.auth.tokenId, key, fingerprint });
    // Services hand the caller to TransactionService.run: a copy of its own, shared with no request.
    request.auth = { ...request.auth };
    this.transactions.enlist(request.auth, keyed);
    const redact = (Reflect.getMetadata(REDACT_ON_REPLAY, context.getHandler()) as string[] | undefined) ?? [];
    const handle = () => lastValueFrom(next.handle(), { defaultValue: null });
    return from(this.execute(keyed, { handle, request, reply, redact })).pipe(
      map((answer) => {
        void reply.type('application/json; charset=utf-8');
        if (typeof answer === 'string') return answer;
        this.metrics.idempotentReplays.inc();
        void reply.status(answer.status).header('Idempotent-Replayed', 'true');
        return answer.body;
      }),
    );
  }

  /** The body to send (stored first), or the response to replay. */
  private async execute(keyed: IdempotencyParticipant, run: Run): Promise<string | StoredResponse> {
    let result: unknown;
    try {
      result = await run.handle();
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTakenError)) return this.failed(keyed, error, run);
      // The other request's answer; or it died before committing: the handler runs again.
      return (await this.store.lookup(keyed.claim, true)) ?? this.execute(keyed, run);
    }
    // Sent as the exact string stored, so the replay is byte-identical.
    const body = JSON.stringify(result ?? null);
    // A handler that ran no transaction (it changed nothing) claims the key now.
    const other = await this.hold(keyed);
    if (other) return other;
    // Nest sets the route's status before the handler runs; a handler may have changed it.
    const stored = redacted(result, body, run.redact);
    await this.store.complete(keyed.recordId!, { status: run.reply.statusCode, body: stored });
    return body;
  }

  /** Null once the request holds its key (claimed now if no transaction did), else the response to replay. */
  private async hold(keyed: IdempotencyParticipant): Promise<StoredResponse | null> {
    const outcome = keyed.recordId ?? (await this.store.begin(keyed.claim));
    if (typeof outcome !== 'number') return outcome;
    keyed.recordId = outcome;
    return null;
  }

  /**
   * A business-rule error is stored like a success; any other leaves the key free (its transaction
   * rolled the claim back). Rethrows the error, unless the key belongs to another request.
   */
  private async failed(keyed: IdempotencyParticipant, error: unknown, run: Run): Promise<StoredResponse> {
    const { domainError } = toDomainError(error);
    if (domainError.code === ErrorCode.IdempotencyKeyInUse) throw error;
    try {
      if (STORED_ERRORS.has(domainError.code)) {
        // Its transaction rolled the claim back: the key is claimed again to hold the answer.
        const other = await this.hold(keyed);
        if (other) return other;
        const { status, body } = errorResponse(domainError, String(run.request.id));
        await this.store.complete(keyed.recordId!, { status, body: JSON.stringify(body) });
      } else if (keyed.recordId === null) {
        // Failed before claiming (validation comes first): a key already used still answers as such.
        const other = await this.store.lookup(keyed.claim, false);
        if (other) return other;
      }
    } catch (settling) {
      // The key's other request's answer; else the key could not be settled (the database is down).
      if (settling instanceof DomainError) throw settling;
    }
    throw error;
  }
}
