import { DomainError } from '../../../common/errors/domain-error';

/**
 * The CSV bytes of an import request: raw text/csv (a Buffer), a multipart `file` field, or JSON
 * `{"csv": "..."}` / `{"data": "..."}`.
 */
export function csvBytes(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body && typeof body === 'object') {
    const fields = body as Record<string, unknown>;
    if (Buffer.isBuffer(fields.file)) return fields.file;
    for (const key of ['csv', 'data']) {
      const value = fields[key];
      if (typeof value === 'string' && value.trim() !== '') return Buffer.from(value, 'utf8');
    }
  }
  throw DomainError.validation({
    file: ['Send the CSV as a multipart "file", as text/csv, or as JSON {"csv": "..."} / {"data": "..."}'],
  });
}

/** `;` or `,`: whichever occurs more often outside quotes in the header line. */
export function detectDelimiter(bytes: Buffer): ',' | ';' {
  const head = bytes
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of head) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Header names: case-insensitive, trimmed, spaces as underscores; aliases folded to one name. */
const ALIASES: Record<string, string> = {
  project: 'project',
  project_name: 'project',
  project_id: 'project_id',
  task: 'task',
  task_name: 'task',
  task_id: 'task_id',
  client: 'client',
  client_name: 'client',
  client_id: 'client_id',
  start_time: 'start_time',
  start: 'start_time',
  end_time: 'end_time',
  end: 'end_time',
  // Toggl Track and Clockify: a date and a time-of-day column per end (start_time is then a time).
  start_date: 'start_date',
  end_date: 'end_date',
  duration: 'duration',
  'duration_(h)': 'duration',
  break: 'break',
  paid: 'paid',
  notes: 'notes',
  description: 'notes',
  tags: 'tags',
  billable: 'billable',
};

export function normaliseHeader(header: string[]): string[] {
  return header.map((name) => {
    const key = name.trim().toLowerCase().replace(/\s+/g, '_');
    return ALIASES[key] ?? `ignored:${key}`;
  });
}

/**
 * Hours as a decimal (`1.5`) or a clock (`1:30`, `01:30:00`), in seconds; null when unreadable.
 * Unbounded (a long run of digits is Infinity): the caller checks the entry's limit.
 */
export function durationSeconds(text: string): number | null {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 3600);
  const clock = /^(\d+):([0-5]\d)(?::([0-5]\d))?$/.exec(value);
  if (!clock) return null;
  return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
}

/**
 * A break (contract §12) in seconds: minutes (`30`) or a clock (`0:30`, `00:30:00`); an empty cell
 * is no break. Null when unreadable.
 */
export function breakSeconds(text: string): number | null {
  const value = text.trim();
  if (value === '') return 0;
  if (/^\d{1,9}$/.test(value)) return Number(value) * 60;
  const clock = /^(\d{1,9}):([0-5]\d)(?::([0-5]\d))?$/.exec(value);
  if (!clock) return null;
  return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
}

export function parseFlag(text: string): boolean | null {
  const value = text.trim().toLowerCase();
  if (value === '') return true;
  if (['1', 'true', 'yes', 'y'].includes(value)) return true;
  if (['0', 'false', 'no', 'n'].includes(value)) return false;
  return null;
}
