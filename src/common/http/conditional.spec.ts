import { entityTag, ifMatchHolds, ifNoneMatchHolds, tagOfJson } from './conditional';

describe('conditional requests', () => {
  const tag = entityTag({ project: { id: 1, name: 'a' } });

  it('should tag a representation as the hash of the JSON text sent for it', () => {
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(tagOfJson('{"project":{"id":1,"name":"a"}}')).toBe(tag);
    expect(entityTag({ project: { id: 1, name: 'b' } })).not.toBe(tag);
  });

  it('should compare If-Match strongly: a weak tag never matches', () => {
    expect(ifMatchHolds(tag, tag)).toBe(true);
    expect(ifMatchHolds(`"x", ${tag}`, tag)).toBe(true);
    expect(ifMatchHolds(' * ', tag)).toBe(true);
    expect(ifMatchHolds(`W/${tag}`, tag)).toBe(false);
    expect(ifMatchHolds('"x"', tag)).toBe(false);
    expect(ifMatchHolds('garbage', tag)).toBe(false);
  });

  it('should compare If-None-Match weakly', () => {
    expect(ifNoneMatchHolds(`W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatchHolds(`"x",${tag}`, tag)).toBe(true);
    expect(ifNoneMatchHolds('*', tag)).toBe(true);
    expect(ifNoneMatchHolds('"x"', tag)).toBe(false);
  });
});
