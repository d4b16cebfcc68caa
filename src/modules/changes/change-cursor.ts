import { DomainError } from '../../common/errors/domain-error';

/**
 * A feed position. SQLite (`id`): the last id seen; writers are serialised, so ids are commit
 * order. PostgreSQL (`snapshot`): `s` is a snapshot (pg_snapshot text); the changes after it are
 * those whose transaction `s` does not see. Inside one delta, `u` is the snapshot that bounds it
 * and `a` the last id returned from it (the delta is read in id order).
 */
export type ChangePosition = { kind: 'id'; id: number } | { kind: 'snapshot'; s: string; u?: string; a?: number };

/** Before every transaction: the position when no cursor is given. */
export const SNAPSHOT_ORIGIN = '1:1:';
const SNAPSHOT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;

export function encodeChangeCursor(position: ChangePosition): string {
  const body =
    position.kind === 'id'
      ? { k: 'id', i: position.id }
      : { k: 'snap', s: position.s, ...(position.u !== undefined ? { u: position.u, a: position.a } : {}) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The position a cursor names, or a 400 on `cursor` (garbage, altered, or of another database kind). */
export function decodeChangeCursor(cursor: string, kind: ChangePosition['kind']): ChangePosition {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  if (kind === 'id' && body?.k === 'id' && Number.isSafeInteger(body.i) && (body.i as number) >= 0) {
    return { kind: 'id', id: body.i as number };
  }
  if (kind === 'snapshot' && body?.k === 'snap' && isSnapshot(body.s)) {
    if (body.u === undefined && body.a === undefined) return { kind, s: body.s };
    if (isSnapshot(body.u) && Number.isSafeInteger(body.a) && (body.a as number) >= 0) {
      return { kind, s: body.s, u: body.u, a: body.a as number };
    }
  }
  throw invalid();
}

/** Whether a transaction had committed (or aborted) when the snapshot was taken: PostgreSQL's rule. */
export function visibleInSnapshot(txid: bigint, snapshot: string): boolean {
  const [xmin, xmax, xip] = snapshot.split(':');
  if (txid < BigInt(xmin)) return true;
  if (txid >= BigInt(xmax)) return false;
  return !(xip ? xip.split(',') : []).some((running) => BigInt(running) === txid);
}

function isSnapshot(value: unknown): value is string {
  return typeof value === 'string' && SNAPSHOT.test(value);
}

function invalid(): DomainError {
  return DomainError.validation({ cursor: ['cursor must be a value from next_cursor'] });
}
