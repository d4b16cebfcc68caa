import Database from 'better-sqlite3';
import { registerUnicodeLower, SQLITE_UNICODE_LOWER, unicodeLowerFunction } from './unicode-lower';

describe('unicode_lower', () => {
  const db = new Database(':memory:');
  registerUnicodeLower(db);
  afterAll(() => db.close());

  const matches = (text: string, pattern: string) =>
    (db.prepare(`SELECT unicode_lower(?) LIKE ? ESCAPE '\\' AS hit`).get(text, pattern) as { hit: number }).hit;

  it('should fold case beyond ASCII, where SQLite LOWER() does not', () => {
    expect(db.prepare("SELECT LOWER('ÄÖ Σ Ж') AS v").get()).toEqual({ v: 'ÄÖ Σ Ж' });
    expect(db.prepare("SELECT unicode_lower('ÄÖ Σ Ж') AS v").get()).toEqual({ v: 'äö σ ж' });
    expect(matches('Größe ÄÖ', '%äö%')).toBe(1);
    expect(matches('ПРОЕКТ', '%проект%')).toBe(1);
  });

  it('should keep NULL and an escaped % literal', () => {
    expect(db.prepare('SELECT unicode_lower(NULL) AS v').get()).toEqual({ v: null });
    expect(matches('ÄÖ 50 Inc', '%äö 5\\%%')).toBe(0);
    expect(matches('ÄÖ 5% Inc', '%äö 5\\%%')).toBe(1);
  });

  it('should name the function each database folds with', () => {
    expect(unicodeLowerFunction('better-sqlite3')).toBe(SQLITE_UNICODE_LOWER);
    expect(unicodeLowerFunction('postgres')).toBe('LOWER');
  });
});
