import { parseInstant } from './parse-instant';

const iso = (text: string, zone = 'UTC') => parseInstant(text, zone)?.date.toISOString() ?? null;

describe('parseInstant', () => {
  it('should honour Z, offsets and fractions', () => {
    expect(iso('2024-01-15T09:00:00Z')).toBe('2024-01-15T09:00:00.000Z');
    expect(iso('2024-01-15T11:00:00+02:00')).toBe('2024-01-15T09:00:00.000Z');
    expect(iso('2024-01-15T04:00:00-0500')).toBe('2024-01-15T09:00:00.000Z');
    expect(iso('2024-01-15T09:00:00.123456Z')).toBe('2024-01-15T09:00:00.123Z');
    expect(iso('2024-01-15 09:00')).toBe('2024-01-15T09:00:00.000Z');
  });

  it('should read naive values in the configured zone, across DST', () => {
    expect(iso('2024-01-15T10:00:00', 'Europe/Berlin')).toBe('2024-01-15T09:00:00.000Z');
    expect(iso('2024-07-15T11:00:00', 'Europe/Berlin')).toBe('2024-07-15T09:00:00.000Z');
    expect(iso('2024-07-15T05:00:00', 'America/New_York')).toBe('2024-07-15T09:00:00.000Z');
  });

  it('should mark date-only values and refuse impossible or malformed ones', () => {
    expect(parseInstant('2024-01-15', 'UTC')).toEqual({ date: new Date('2024-01-15T00:00:00Z'), dateOnly: true });
    for (const bad of [
      '2024-02-30',
      '2024-13-01T00:00:00Z',
      '2024-01-15T24:00:00Z',
      '15/01/2024',
      'yesterday',
      '2024-01-15Z',
    ]) {
      expect([bad, parseInstant(bad, 'UTC')]).toEqual([bad, null]);
    }
  });

  it('should read years 0001 to 0099 as written, not as 1901 to 1999', () => {
    expect(parseInstant('0001-01-01', 'UTC')?.date.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseInstant('0099-05-01T10:00:00Z', 'UTC')?.date.toISOString()).toBe('0099-05-01T10:00:00.000Z');
    expect(parseInstant('0050-02-29', 'UTC')).toBeNull();
  });
});
