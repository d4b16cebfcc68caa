import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The stored response of an idempotency record, replayed byte for byte. Its own append-only table:
 * storing a response is an insert, never an update of the record (see the store's PG_WRITE).
 * Removed with its record by the purge; no foreign key, so an insert costs no lookup of the record.
 */
@Entity({ name: 'idempotency_responses' })
export class IdempotencyResponseEntity {
  @PrimaryColumn({ name: 'record_id', type: 'integer' })
  recordId: number;

  @Column({ name: 'status', type: 'integer' })
  status: number;

  /** The response body exactly as sent. */
  @Column({ name: 'body', type: 'text' })
  body: string;
}
