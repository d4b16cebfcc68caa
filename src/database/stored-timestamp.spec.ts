import { fromStoredTimestamp } from './stored-timestamp';

describe('fromStoredTimestamp', () => {
  it('reads the UTC text TypeORM writes to SQLite as UTC', () => {
    expect(fromStoredTimestamp('2024-01-15 09:00:00.250').toISOString()).toBe('2024-01-15T09:00:00.250Z');
    expect(fromStoredTimestamp('2024-01-15 09:00:00').toISOString()).toBe('2024-01-15T09:00:00.000Z');
  });

  it('honours a zone written in the text', () => {
    expect(fromStoredTimestamp('2024-01-15T09:00:00+02:00').toISOString()).toBe('2024-01-15T07:00:00.000Z');
    expect(fromStoredTimestamp('2024-01-15T09:00:00Z').toISOString()).toBe('2024-01-15T09:00:00.000Z');
  });

  it('passes a Date from the pg driver through', () => {
    const date = new Date('2024-01-15T09:00:00Z');
    expect(fromStoredTimestamp(date)).toBe(date);
  });
});
