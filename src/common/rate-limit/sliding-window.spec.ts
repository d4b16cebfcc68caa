import { MemorySlidingWindowStore, type WindowSpec } from './sliding-window';

const specs: WindowSpec[] = [
  { name: 'minute', limit: 3, windowMs: 60_000 },
  { name: 'hour', limit: 5, windowMs: 3_600_000 },
];

describe('in-process sliding window', () => {
  it('should admit up to the limit and not record rejected requests', () => {
    const store = new MemorySlidingWindowStore();
    const results = [0, 1, 2, 3, 4].map((i) => store.consume('t', specs, 1000 + i).allowed);
    expect(results).toEqual([true, true, true, false, false]);
    const next = store.consume('t', specs, 61_000);
    expect(next.allowed).toBe(true);
    // Rejected requests did not consume hour quota: 4 admitted so far.
    expect(next.windows[1].used).toBe(4);
  });

  it('should allow no burst across a window boundary', () => {
    const store = new MemorySlidingWindowStore();
    for (let i = 0; i < 3; i++) expect(store.consume('t', specs, 59_000 + i).allowed).toBe(true);
    // Just after a fixed-window boundary: still inside the sliding minute of the first three.
    for (let i = 0; i < 3; i++) expect(store.consume('t', specs, 60_500 + i).allowed).toBe(false);
    expect(store.consume('t', specs, 119_001).allowed).toBe(true);
  });

  it('should trip the hour window while the minute window has room', () => {
    const store = new MemorySlidingWindowStore();
    let t = 0;
    for (let i = 0; i < 5; i++, t += 61_000) expect(store.consume('t', specs, t).allowed).toBe(true);
    const denied = store.consume('t', specs, t);
    expect(denied.allowed).toBe(false);
    expect(denied.windows[0].used).toBe(0);
    expect(denied.windows[1].used).toBe(5);
    expect(denied.windows[1].resetMs).toBe(3_600_000 - t);
  });

  it('should keep tokens apart', () => {
    const store = new MemorySlidingWindowStore();
    for (let i = 0; i < 3; i++) store.consume('a', specs, i);
    expect(store.consume('a', specs, 10).allowed).toBe(false);
    expect(store.consume('b', specs, 10).allowed).toBe(true);
  });
});
