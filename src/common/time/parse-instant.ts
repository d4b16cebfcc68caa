const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export interface ParsedInstant {
  date: Date;
  /** True when only YYYY-MM-DD was given. */
  dateOnly: boolean;
}

/**
 * Reads an ISO 8601 timestamp: `Z`, offsets and fractions are honoured; a naive value is wall-clock
 * time in `timeZone` (contract §1). Returns null for anything else, including impossible dates.
 */
export function parseInstant(text: string, timeZone: string): ParsedInstant | null {
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const dateOnly = h === undefined;
  if (dateOnly && zone) return null;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)] as const;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(parts[0], parts[1], parts[2]);
  check.setUTCHours(parts[3], parts[4], parts[5], ms);
  const wall = check.getTime();
  if (check.getUTCFullYear() !== parts[0] || check.getUTCMonth() !== parts[1] || check.getUTCDate() !== parts[2]) {
    return null;
  }
  if (parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return null;
  if (zone) {
    const offsetMinutes = zone.toUpperCase() === 'Z' ? 0 : parseOffset(zone);
    return { date: new Date(wall - offsetMinutes * 60_000), dateOnly };
  }
  return { date: new Date(zonedWallClockToUtc(wall, timeZone)), dateOnly };
}

function parseOffset(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

/** One formatter per zone: building one costs about 40 times what formatting with it does. */
const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClockFormats.set(timeZone, format);
  }
  return format;
}

/** Offset of `timeZone` at `utcMs`, in minutes east of UTC. */
export function zoneOffsetMinutes(utcMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const parts = wallClockFormat(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** The instant whose wall clock in `timeZone` reads `wallMs` (as if it were UTC). */
function zonedWallClockToUtc(wallMs: number, timeZone: string): number {
  let utc = wallMs - zoneOffsetMinutes(wallMs, timeZone) * 60_000;
  // Re-check once around DST changes.
  utc = wallMs - zoneOffsetMinutes(utc, timeZone) * 60_000;
  return utc;
}
