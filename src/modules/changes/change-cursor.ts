import { DomainError } from '../../common/errors/domain-error';

/**
 * A PostgreSQL snapshot (pg_snapshot text) and what bounds the ids of the changes it does not see:
 * every such change has an id above `idFloor`, or was written by one of the `running`
 * transactions (64-bit ids, as decimal text). ChangesRepository.currentHorizon says why.
 */
export interface Horizon {
  snapshot: string;
  idFloor: number;
  running: readonly string[];
}

/**
 * A feed position. SQLite (`id`): the last id seen; writers are serialised, so ids are commit
 * order. PostgreSQL (`snapshot`): the changes after it are those whose transaction `since` does
 * not see. Inside one delta, `until` is the horizon that bounds it and `after` the last id
 * returned from it (the delta is read in id order).
 */
export type ChangePosition =
  { kind: 'id'; id: number } | { kind: 'snapshot'; since: Horizon; until?: Horizon; after?: number };

/** Before every transaction: the position when no cursor is given. */
export const ORIGIN: Horizon = { snapshot: '1:1:', idFloor: 0, running: [] };

const SNAPSHOT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;
const XID = /^\d{1,20}$/;
const MAX_RUNNING = 10_000;

export function encodeChangeCursor(position: ChangePosition): string {
  const body =
    position.kind === 'id'
      ? { k: 'id', i: position.id }
      : {
          k: 'snap',
          ...horizonFields(position.since, 's', 'f', 'r'),
          ...(position.until ? { ...horizonFields(position.until, 'u', 'uf', 'ur'), a: position.after } : {}),
        };
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
  if (kind === 'id' && body?.k === 'id' && isCount(body.i)) return { kind: 'id', id: body.i };
  if (kind === 'snapshot' && body?.k === 'snap') {
    const since = horizonFrom(body.s, body.f, body.r);
    if (since && body.u === undefined && body.a === undefined) return { kind, since };
    const until = horizonFrom(body.u, body.uf, body.ur);
    if (since && until && isCount(body.a)) return { kind, since, until, after: body.a };
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

/**
 * The 64-bit transaction id of a running transaction's 32-bit `xid` (as pg_stat_activity shows it):
 * the one within 2^31 of the snapshot's xmax (PostgreSQL keeps every live id that close).
 */
export function widenXid(xid: string, snapshot: string): string {
  const reference = BigInt(snapshot.split(':')[1]);
  const half = 1n << 31n;
  let full = (reference & ~0xffffffffn) | BigInt(xid);
  if (full > reference + half) full -= 1n << 32n;
  else if (full < reference - half) full += 1n << 32n;
  return full.toString();
}

function horizonFields(horizon: Horizon, s: string, f: string, r: string) {
  return { [s]: horizon.snapshot, [f]: horizon.idFloor, ...(horizon.running.length ? { [r]: horizon.running } : {}) };
}

/** Cursors from before horizons carried a floor have none: floor 0 (correct, the walk starts at id 0). */
function horizonFrom(snapshot: unknown, floor: unknown, running: unknown): Horizon | null {
  if (typeof snapshot !== 'string' || !SNAPSHOT.test(snapshot)) return null;
  if (floor !== undefined && !isCount(floor)) return null;
  const ids = running ?? [];
  if (!Array.isArray(ids) || ids.length > MAX_RUNNING || !ids.every((x) => typeof x === 'string' && XID.test(x))) {
    return null;
  }
  return { snapshot, idFloor: floor ?? 0, running: ids as string[] };
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function invalid(): DomainError {
  return DomainError.validation({ cursor: ['cursor must be a value from next_cursor'] });
}
