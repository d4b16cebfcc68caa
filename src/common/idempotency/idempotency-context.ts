import { AsyncLocalStorage } from 'node:async_hooks';
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

export const idempotencyContext = new AsyncLocalStorage<IdempotencyContext>();
