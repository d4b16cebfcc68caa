/**
 * Dates and times as other trackers export them (contract §13): Toggl Track and Clockify write a
 * date column and a time-of-day column per end, in the exporter's locale.
 */
export const DATE_FORMATS = ['YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const DATE_PATTERNS: Record<DateFormat, { pattern: RegExp; order: [year: number, month: number, day: number] }> = {
  'YYYY-MM-DD': { pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, order: [1, 2, 3] },
  'MM/DD/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 1, 2] },
  'DD/MM/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 2, 1] },
  'DD.MM.YYYY': { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: [3, 2, 1] },
};

const pad = (n: string) => n.padStart(2, '0');

/** A date cell written in `format`, as `YYYY-MM-DD` (whether the day exists is the caller's check); null if unreadable. */
export function isoDate(text: string, format: DateFormat): string | null {
  const { pattern, order } = DATE_PATTERNS[format];
  const m = pattern.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = order.map((i) => m[i]);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A time of day, 24-hour `HH:MM[:SS]` or 12-hour `h:mm[:ss] AM|PM`, as `HH:MM:SS`; null if unreadable. */
export function isoTime(text: string): string | null {
  const m = /^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?\s*([AP]M)?$/i.exec(text.trim());
  if (!m) return null;
  const [, h, minutes, seconds = '00', meridiem] = m;
  let hour = Number(h);
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  return `${pad(String(hour))}:${minutes}:${seconds}`;
}
