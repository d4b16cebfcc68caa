import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL: the claim of an Idempotency-Key as a SQL function. Every keyed request runs it, and
 * PostgreSQL plans a PL/pgSQL function's statements once per connection, where the same INSERT
 * sent as text is parsed and planned on every request. Counted under callgrind (bench/
 * idempotency-instructions, the transaction of POST /users): the claim cost 500k instructions as
 * text, 211k as this function. It takes a transaction-scoped advisory lock on (token, key) first,
 * so that a concurrent request with the same key learns at once that the key is busy (NULL)
 * instead of waiting for the holder's transaction on the unique index; then inserts the record,
 * returning its id, or NULL when the key already has one. SQLite sends the INSERT as text.
 */
export class IdempotencyClaimFunction1764400000016 implements MigrationInterface {
  name = 'IdempotencyClaimFunction1764400000016';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`
      CREATE FUNCTION idempotency_claim(
        p_token_id integer, p_key varchar, p_fingerprint varchar, p_state varchar,
        p_locked_until timestamptz, p_created_at timestamptz, p_expires_at timestamptz
      ) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        record_id integer;
      BEGIN
        IF NOT pg_try_advisory_xact_lock((p_token_id::bigint << 32) | (hashtext(p_key)::bigint & 4294967295)) THEN
          RETURN NULL;
        END IF;
        INSERT INTO idempotency_keys (token_id, key, fingerprint, state, locked_until, created_at, expires_at)
        VALUES (p_token_id, p_key, p_fingerprint, p_state, p_locked_until, p_created_at, p_expires_at)
        ON CONFLICT (token_id, key) DO NOTHING
        RETURNING id INTO record_id;
        RETURN record_id;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(
      'DROP FUNCTION idempotency_claim(integer, varchar, varchar, varchar, timestamptz, timestamptz, timestamptz)',
    );
  }
}
