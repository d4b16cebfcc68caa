import { breakSeconds, csvBytes, detectDelimiter, durationSeconds, normaliseHeader, parseFlag } from './csv-input';

describe('CSV input', () => {
  it('should read the three input forms', () => {
    expect(csvBytes(Buffer.from('a')).toString()).toBe('a');
    expect(csvBytes({ file: Buffer.from('b') }).toString()).toBe('b');
    expect(csvBytes({ csv: 'c' }).toString()).toBe('c');
    expect(csvBytes({ data: 'd' }).toString()).toBe('d');
    expect(() => csvBytes({ csv: '  ' })).toThrow();
    expect(() => csvBytes({})).toThrow();
  });

  it('should detect the delimiter from the header line, ignoring quoted text', () => {
    expect(detectDelimiter(Buffer.from('project;start;end\n1,2;a;b'))).toBe(';');
    expect(detectDelimiter(Buffer.from('\uFEFFproject,"a;b;c",end\n'))).toBe(',');
  });

  it('should map header aliases case-insensitively', () => {
    expect(normaliseHeader(['Project ID', 'START', 'End Time', 'Description', 'Mood'])).toEqual([
      'project_id',
      'start_time',
      'end_time',
      'notes',
      'ignored:mood',
    ]);
  });

  it('should read durations and flags', () => {
    expect(durationSeconds('1.5')).toBe(5400);
    expect(durationSeconds('1:30')).toBe(5400);
    expect(durationSeconds('01:30:15')).toBe(5415);
    expect(durationSeconds('1h')).toBeNull();
    expect(durationSeconds('NaN')).toBeNull();
    expect(durationSeconds('1e400')).toBeNull();
    // Never NaN: huge values stay numbers (or Infinity) for the caller's limit to refuse.
    expect(durationSeconds('99999999999999999999')).toBe(1e20 * 3600);
    expect(durationSeconds('9'.repeat(400))).toBe(Infinity);
    expect(durationSeconds('99999999999999999999:00')).toBeGreaterThan(1e20);
    expect([parseFlag('Yes'), parseFlag('0'), parseFlag(''), parseFlag('maybe')]).toEqual([true, false, true, null]);
  });

  it('should read a break as minutes or a clock, an empty cell being none', () => {
    expect([breakSeconds(''), breakSeconds('30'), breakSeconds('0:45'), breakSeconds('01:00:30')]).toEqual([
      0, 1800, 2700, 3630,
    ]);
    for (const bad of ['1.5', '-5', '30m', '1:75', '9999999999']) expect([bad, breakSeconds(bad)]).toEqual([bad, null]);
  });
});
