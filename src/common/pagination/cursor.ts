import { createHash } from 'node:crypto';
import { fromStoredTimestamp } from '../../database/stored-timestamp';
import type { KeyType, ListOrder, OrderKey } from './list-order';

/** A key value as a cursor carries it (timestamps as ISO text). */
export type CursorValue = string | number | boolean | null;

/** A position in a list: the page after the row whose order keys had these values. */
export interface CursorPosition {
  list: string;
  /** The order's signature (`-start_time,-id`). */
  sort: string;
  values: CursorValue[];
  /** Rows before the page the cursor leads to (gives that page a number). */
  rowsBefore: number;
}

const VERSION = 1;
const CHECK_BYTES = 8;
/** Longest cursor accepted (a list of a few keys needs well under 300 characters). */
export const MAX_CURSOR_LENGTH = 1024;

/**
 * Opaque text: base64url of a checksum and the JSON position. The checksum catches a cursor that
 * was cut, mistyped or edited; it is no signature and needs none: a cursor grants nothing, since
 * the request's own token and filters still decide which rows it sees.
 */
export function encodeCursor(position: CursorPosition): string {
  const json = JSON.stringify([VERSION, position.list, position.sort, position.values, position.rowsBefore]);
  return Buffer.concat([checksum(json), Buffer.from(json, 'utf8')]).toString('base64url');
}

/** The position a cursor holds, or null when it is not one `encodeCursor` wrote. */
export function decodeCursor(text: string): CursorPosition | null {
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length <= CHECK_BYTES) return null;
  const json = bytes.subarray(CHECK_BYTES).toString('utf8');
  if (!checksum(json).equals(bytes.subarray(0, CHECK_BYTES))) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 5 || parsed[0] !== VERSION) return null;
  const [, list, sort, values, rowsBefore] = parsed as unknown[];
  if (typeof list !== 'string' || typeof sort !== 'string' || !Array.isArray(values)) return null;
  if (!Number.isSafeInteger(rowsBefore) || (rowsBefore as number) < 0) return null;
  if (!values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) return null;
  return { list, sort, values: values as CursorValue[], rowsBefore: rowsBefore as number };
}

function checksum(json: string): Buffer {
  return createHash('sha256').update(`tt-cursor:${json}`).digest().subarray(0, CHECK_BYTES);
}

/** A row's key value as its cursor carries it. */
export function toCursorValue<Row>(key: OrderKey<Row>, raw: unknown): CursorValue {
  if (raw === null || raw === undefined) return null;
  switch (key.type) {
    case 'timestamp':
      // Milliseconds: every timestamp the app writes comes from a JS Date.
      return (raw instanceof Date ? raw : fromStoredTimestamp(text(raw))).toISOString();
    case 'integer':
    case 'number':
      return Number(raw);
    case 'boolean':
      return Boolean(raw);
    case 'string':
    case 'date':
      return text(raw);
  }
}

function text(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  throw new TypeError(`An order key holds a ${typeof raw}, not text`);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const VALID: Record<KeyType, (value: CursorValue) => boolean> = {
  integer: (v) => Number.isSafeInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  date: (v) => typeof v === 'string' && DATE.test(v),
  timestamp: (v) => typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v)),
};

/**
 * The SQL parameters of a cursor's values for `order`, or null when they do not fit its keys (a
 * value of the wrong type, a null for a key that has none, a count that differs).
 */
export function cursorParameters<Row>(order: ListOrder<Row>, values: readonly CursorValue[]): unknown[] | null {
  if (values.length !== order.keys.length) return null;
  const parameters: unknown[] = [];
  for (const [i, key] of order.keys.entries()) {
    const value = values[i];
    if (value === null ? !key.nullable : !VALID[key.type](value)) return null;
    parameters.push(key.type === 'timestamp' && value !== null ? new Date(value as string) : value);
  }
  return parameters;
}
