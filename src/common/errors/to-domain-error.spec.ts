import { runInNewContext } from 'node:vm';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import { ErrorCode } from './error-code';
import { isDatabaseUnavailable, toDomainError } from './to-domain-error';

describe('toDomainError', () => {
  it('should map database outages to 503 service_unavailable', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
      // The next query of a transaction whose connection was terminated between two queries.
      new QueryRunnerAlreadyReleasedError(),
    ]) {
      expect(toDomainError(error)).toEqual({
        domainError: expect.objectContaining({ code: ErrorCode.ServiceUnavailable }),
        unexpected: false,
      });
    }
  });

  it('should recognise errors made in another realm (Node internals seen from a sandbox)', () => {
    const foreign: unknown = runInNewContext(
      `Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })`,
    );
    expect(foreign instanceof Error).toBe(false);
    expect(isDatabaseUnavailable(foreign)).toBe(true);
  });

  it('should leave other errors unexpected (500, logged)', () => {
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(toDomainError(new TypeError('x')).unexpected).toBe(true);
  });
});
