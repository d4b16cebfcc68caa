import { postgresClaimingBegin, postgresClaimStatements, postgresStoreResponses } from './idempotency-claim';

describe('PostgreSQL claim statements', () => {
  const claim = { tokenId: 7, key: "k'1", fingerprint: 'f'.repeat(64), ttlMs: 86_400_000, lockMs: 120_000 };

  it('should name the claim by its lifetime, which its text holds instead of parameters', () => {
    const [claimStatement, store] = postgresClaimStatements(claim);
    expect(claimStatement.name).toBe('tt_claim_idempotency_key_120000_86400000');
    expect(claimStatement.prepare).toContain("interval '120000 milliseconds'");
    expect(claimStatement.prepare).toContain("interval '86400000 milliseconds'");
    expect(postgresClaimStatements({ ...claim, ttlMs: 3_600_000 })[0].name).not.toBe(claimStatement.name);
    expect(store.name).toBe('tt_store_idempotency_response');
  });

  it("should build a lifetime's statements once, and again after another lifetime was asked for", () => {
    const statements = postgresClaimStatements(claim);
    expect(postgresClaimStatements({ ...claim })).toBe(statements);
    const other = postgresClaimStatements({ ...claim, lockMs: 60_000 });
    expect(other[0].name).toBe('tt_claim_idempotency_key_60000_86400000');
    expect(postgresClaimStatements(claim)).toEqual(statements);
    expect(postgresClaimingBegin(claim, [])).toContain('EXECUTE tt_claim_idempotency_key_120000_86400000 (');
  });

  it('should prepare only the statements the connection lacks, then begin and claim in one query', () => {
    const statements = postgresClaimStatements(claim);
    const now = Date.now();
    const text = postgresClaimingBegin(claim, statements.slice(1));
    expect(text.startsWith(`${statements[1].prepare}; START TRANSACTION; `)).toBe(true);
    expect(text).not.toContain(statements[0].prepare);
    const match = /EXECUTE tt_claim_idempotency_key_120000_86400000 \(7, 'k''1', 'f{64}', (\d+)\)$/.exec(text);
    expect(match).not.toBeNull();
    expect(Number(match![1]) - now).toBeGreaterThanOrEqual(0);
    expect(Number(match![1]) - now).toBeLessThan(1000);
    expect(postgresClaimingBegin(claim, []).startsWith('START TRANSACTION; EXECUTE ')).toBe(true);
  });

  it('should refuse a token id or lifetime that is not an integer rather than inline it', () => {
    expect(() => postgresClaimingBegin({ ...claim, tokenId: 1.5 }, [])).toThrow('invalid token id');
    expect(() => postgresClaimStatements({ ...claim, ttlMs: Number.NaN })).toThrow('invalid idempotency lifetime');
  });

  it('should store each response with the prepared statement, bodies as literals', () => {
    expect(
      postgresStoreResponses([
        { recordId: 1, status: 201, body: `{"a":"it's"}` },
        { recordId: 2, status: 404, body: '{"b":"\\\\"}' },
      ]),
    ).toBe(
      `EXECUTE tt_store_idempotency_response (1, 201, '{"a":"it''s"}'); ` +
        `EXECUTE tt_store_idempotency_response (2, 404,  E'{"b":"\\\\\\\\"}')`,
    );
    expect(() => postgresStoreResponses([{ recordId: Number.NaN, status: 201, body: '' }])).toThrow(
      'invalid stored response',
    );
  });
});
