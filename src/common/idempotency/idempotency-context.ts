import type { AuthContext } from '../auth/auth-context';
import type { IdempotencyClaim, ResponseRides } from './idempotency-claim';

/**
 * The Idempotency-Key a request runs under, read by TransactionService. Until the key is claimed
 * (`recordId` null), the request's first transaction claims it: the record is inserted, already
 * `committed`, in that transaction, sent with its BEGIN. A record claimed before the handler ran
 * (a retry that took an abandoned key over) is `running`: each transaction marks it `committed`.
 */
export interface IdempotencyContext {
  claim: IdempotencyClaim;
  recordId: number | null;
  /** The record was claimed outside the business transaction: its COMMIT marks it. */
  mark: boolean;
  /** Other requests' responses waiting to be stored: the claiming transaction's COMMIT takes them along. */
  responses?: ResponseRides;
}

/**
 * Each keyed request's context, found through its caller: the request's own AuthContext, which
 * services hand to TransactionService.run. Explicit rather than an AsyncLocalStorage, whose hooks
 * on Node 20 cost every promise of every request, keyed or not, once the first keyed request ran.
 */
const contexts = new WeakMap<AuthContext, IdempotencyContext>();

/** Binds a keyed request's context to its caller; `caller` must be that request's own object. */
export function bindIdempotency(caller: AuthContext, context: IdempotencyContext): void {
  contexts.set(caller, context);
}

/** The Idempotency-Key context of the request `caller` belongs to, if it sent a key. */
export function idempotencyOf(caller: AuthContext | null): IdempotencyContext | undefined {
  return caller ? contexts.get(caller) : undefined;
}
