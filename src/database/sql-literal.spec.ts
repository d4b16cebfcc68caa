import { escapeLiteral } from 'pg';
import { sqlLiteral } from './sql-literal';

describe('sqlLiteral', () => {
  it("should return exactly what pg's escapeLiteral returns", () => {
    const alphabet = ["'", '\\', '"', 'a', ' ', '\n', 'é', '😀', '\u2028', '$', ';'];
    const samples = ['', "'", '\\', "O'Brien", 'C:\\temp\\x', `{"a":"it's \\"q\\""}`, "''\\\\''"];
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      samples.push(Array.from({ length: next() % 24 }, () => alphabet[next() % alphabet.length]).join(''));
    }
    for (const sample of samples) expect(sqlLiteral(sample)).toBe(escapeLiteral(sample));
  });
});
