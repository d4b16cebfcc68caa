import { localDateKey, MAX_PERIODS, periodsOf } from './report-periods';

const at = (iso: string) => new Date(iso);
const cut = (...args: Parameters<typeof periodsOf>) =>
  periodsOf(...args)?.map((p) => [p.key, p.start.toISOString()]) ?? null;

describe('periodsOf', () => {
  it('should cut days at local midnight, the first period starting at the range start', () => {
    expect(cut('day', at('2024-03-30T23:00:00Z'), at('2024-04-01T22:00:00Z'), 'Europe/Berlin')).toEqual([
      ['2024-03-31', '2024-03-30T23:00:00.000Z'],
      // 2024-03-31 has 23 hours in Berlin (CET to CEST).
      ['2024-04-01', '2024-03-31T22:00:00.000Z'],
    ]);
    expect(cut('day', at('2024-01-01T12:00:00Z'), at('2024-01-03T00:00:00Z'), 'UTC')).toEqual([
      ['2024-01-01', '2024-01-01T12:00:00.000Z'],
      ['2024-01-02', '2024-01-02T00:00:00.000Z'],
    ]);
  });

  it('should cut ISO weeks on Mondays, keyed by the year of their Thursday', () => {
    expect(cut('week', at('2024-12-25T00:00:00Z'), at('2025-01-13T00:00:00Z'), 'UTC')).toEqual([
      ['2024-W52', '2024-12-25T00:00:00.000Z'],
      ['2025-W01', '2024-12-30T00:00:00.000Z'],
      ['2025-W02', '2025-01-06T00:00:00.000Z'],
    ]);
    expect(cut('week', at('2021-01-01T00:00:00Z'), at('2021-01-04T00:00:01Z'), 'UTC')?.map(([k]) => k)).toEqual([
      '2020-W53',
      '2021-W01',
    ]);
    // The week of the autumn DST change in Berlin: 169 hours, one week.
    expect(cut('week', at('2024-10-20T22:00:00Z'), at('2024-11-04T00:00:00Z'), 'Europe/Berlin')).toEqual([
      ['2024-W43', '2024-10-20T22:00:00.000Z'],
      ['2024-W44', '2024-10-27T23:00:00.000Z'],
      ['2024-W45', '2024-11-03T23:00:00.000Z'],
    ]);
  });

  it('should cut months at their first local midnight', () => {
    expect(cut('month', at('2024-01-15T00:00:00Z'), at('2024-04-01T00:00:00Z'), 'America/New_York')).toEqual([
      ['2024-01', '2024-01-15T00:00:00.000Z'],
      ['2024-02', '2024-02-01T05:00:00.000Z'],
      ['2024-03', '2024-03-01T05:00:00.000Z'],
      // 2024-03-31T20:00 EDT: the range's end is not a period of its own.
    ]);
  });

  it('should start a day whose midnight falls in a DST gap at its first instant', () => {
    // Santiago, 2024-09-08: clocks jump from 00:00 (-04) to 01:00 (-03).
    const days = cut('day', at('2024-09-07T04:00:00Z'), at('2024-09-10T00:00:00Z'), 'America/Santiago');
    expect(days?.[1]).toEqual(['2024-09-08', '2024-09-08T04:00:00.000Z']);
    expect(days?.[2]).toEqual(['2024-09-09', '2024-09-09T03:00:00.000Z']);
  });

  it('should refuse more than MAX_PERIODS periods, and allow exactly that many', () => {
    const from = at('2000-01-01T00:00:00Z');
    const days = (n: number) => new Date(from.getTime() + n * 86_400_000);
    expect(periodsOf('day', from, days(MAX_PERIODS), 'UTC')).toHaveLength(MAX_PERIODS);
    expect(periodsOf('day', from, days(MAX_PERIODS + 1), 'UTC')).toBeNull();
    expect(periodsOf('month', at('0001-01-01T00:00:00Z'), at('9999-12-31T23:59:59.999Z'), 'UTC')).toBeNull();
    expect(periodsOf('month', at('9999-11-15T00:00:00Z'), at('9999-12-31T23:59:59.999Z'), 'UTC')).toHaveLength(2);
  });
});

describe('localDateKey', () => {
  it('should give the date in the zone', () => {
    expect(localDateKey(at('2024-01-01T23:30:00Z'), 'Europe/Berlin')).toBe('2024-01-02');
    expect(localDateKey(at('2024-01-01T23:30:00Z'), 'UTC')).toBe('2024-01-01');
  });
});
