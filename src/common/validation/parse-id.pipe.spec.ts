import { DomainError } from '../errors/domain-error';
import { ParseIdPipe } from './parse-id.pipe';

describe('ParseIdPipe', () => {
  const pipe = new ParseIdPipe();

  it('should read a canonical id up to the largest int4', () => {
    expect(pipe.transform('1')).toBe(1);
    expect(pipe.transform('42')).toBe(42);
    expect(pipe.transform('2147483647')).toBe(2147483647);
  });

  it('should refuse every other spelling, and anything not text, as not found', () => {
    for (const value of [
      '0',
      '-1',
      '01',
      '+1',
      ' 1',
      '1 ',
      '1\t',
      '1.0',
      '1e0',
      '0x1',
      '0b1',
      '',
      'abc',
      '2147483648',
    ]) {
      expect(() => pipe.transform(value)).toThrow(DomainError);
    }
    // A number means something converted the path text first, and `0x1` would have read as 1.
    for (const value of [1, 1n, null, undefined]) expect(() => pipe.transform(value)).toThrow(DomainError);
  });
});
