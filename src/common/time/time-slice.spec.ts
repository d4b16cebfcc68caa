import { TimeSlice } from './time-slice';

describe('TimeSlice', () => {
  it('should not yield before the slice has passed', async () => {
    let clock = 0;
    const turn = jest.fn(() => Promise.resolve());
    const slice = new TimeSlice(10, () => clock, turn);
    clock = 9.9;
    await slice.pause();
    expect(turn).not.toHaveBeenCalled();
  });

  it('should yield once the slice has passed, and start a new slice after the turn', async () => {
    let clock = 0;
    const turn = jest.fn(() => {
      clock += 1; // the turn itself takes time: the next slice starts after it
      return Promise.resolve();
    });
    const slice = new TimeSlice(10, () => clock, turn);
    clock = 10;
    await slice.pause();
    expect(turn).toHaveBeenCalledTimes(1);
    clock = 20.9;
    await slice.pause();
    expect(turn).toHaveBeenCalledTimes(1);
    clock = 21;
    await slice.pause();
    expect(turn).toHaveBeenCalledTimes(2);
  });

  it('should let due I/O callbacks run during a long synchronous loop', async () => {
    const slice = new TimeSlice(5);
    let ran = false;
    setImmediate(() => (ran = true));
    const until = performance.now() + 30;
    let sawIt = false;
    while (performance.now() < until) {
      await slice.pause();
      sawIt ||= ran;
    }
    expect(sawIt).toBe(true);
  });

  it('should not let callbacks run while the slice lasts', async () => {
    const slice = new TimeSlice(60_000);
    let ran = false;
    setImmediate(() => (ran = true));
    for (let i = 0; i < 1000; i++) await slice.pause();
    expect(ran).toBe(false);
  });
});
