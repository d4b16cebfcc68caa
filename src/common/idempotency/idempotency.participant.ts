import type { EntityManager } from 'typeorm';
import type { TransactionParticipant } from '../../database/transaction.service';
import type { IdempotencyClaim, IdempotencyStore } from './idempotency.store';

/**
 * A keyed request in its transactions: the first claims the key, so that the record commits with
 * the change (contract §5) and a rollback leaves the key free.
 */
export class IdempotencyParticipant implements TransactionParticipant {
  recordId: number | null = null;
  private claiming = false;

  constructor(
    private readonly store: IdempotencyStore,
    readonly claim: IdempotencyClaim,
  ) {}

  async begin(manager: EntityManager): Promise<void> {
    if (this.recordId !== null) return;
    this.claiming = true;
    this.recordId = await this.store.claim(manager, this.claim, 'committed');
  }

  after(committed: boolean): void {
    if (this.claiming && !committed) this.recordId = null;
    this.claiming = false;
  }
}
