import { isoDate, isoTime } from './tracker-times';

describe("other trackers' dates and times", () => {
  it('should read each date format, and nothing else', () => {
    expect(isoDate('2024-01-05', 'YYYY-MM-DD')).toBe('2024-01-05');
    expect(isoDate('01/05/2024', 'MM/DD/YYYY')).toBe('2024-01-05');
    expect(isoDate('05/01/2024', 'DD/MM/YYYY')).toBe('2024-01-05');
    expect(isoDate('5.1.2024', 'DD.MM.YYYY')).toBe('2024-01-05');
    expect(isoDate('01/05/2024', 'YYYY-MM-DD')).toBeNull();
    expect(isoDate('2024-01-05', 'DD.MM.YYYY')).toBeNull();
    expect(isoDate('2024-01-05T09:00', 'YYYY-MM-DD')).toBeNull();
  });

  it('should read 24-hour and 12-hour times', () => {
    expect(['9:05', '09:05:30', '23:59:59'].map(isoTime)).toEqual(['09:05:00', '09:05:30', '23:59:59']);
    expect(['12:00 AM', '12:30:15 am', '1:00 PM', '12:00 PM', '11:59:59 PM'].map(isoTime)).toEqual([
      '00:00:00',
      '00:30:15',
      '13:00:00',
      '12:00:00',
      '23:59:59',
    ]);
    for (const bad of ['24:00', '13:00 PM', '0:30 AM', '9', '9:5', '09:60', 'noon']) {
      expect([bad, isoTime(bad)]).toEqual([bad, null]);
    }
  });
});
