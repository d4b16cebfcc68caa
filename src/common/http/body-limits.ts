import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';

/** Every JSON body, and any body of a route that takes no uploads (contract §1). */
export const MAX_BODY_BYTES = 1024 * 1024;

const MIB = 1024 * 1024;

/** "1 MiB" for whole mebibytes, else the exact count: the 413 names the limit a client must meet. */
export function formatByteLimit(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes}-byte`;
}

/** "The upload exceeds the 10 MiB limit." (or "the 1500000-byte limit"). */
export function payloadTooLarge(what: string, limit: number): DomainError {
  return new DomainError(ErrorCode.PayloadTooLarge, `${what} exceeds the ${formatByteLimit(limit)} limit.`);
}
