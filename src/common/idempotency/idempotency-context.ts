import { AsyncLocalStorage } from 'node:async_hooks';

/** The idempotency record a request runs under; read by TransactionService to mark it in the same transaction. */
export interface IdempotencyContext {
  recordId: number;
}

export const idempotencyContext = new AsyncLocalStorage<IdempotencyContext>();
