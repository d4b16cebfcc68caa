/** The default slice: short enough for a health probe to get an answer well under 200 ms. */
export const DEFAULT_SLICE_MS = 10;

const ready: Promise<void> = Promise.resolve();

/**
 * Cuts a long synchronous job into slices. better-sqlite3 answers synchronously, so a loop of
 * statements never reaches the event loop's I/O phase by itself: `pause()` waits one setImmediate
 * turn (I/O first) once `sliceMs` have passed since the last one, and is a resolved promise before.
 * Work between two calls of `pause()` is what a slice can overrun by.
 */
export class TimeSlice {
  private sliceStart: number;

  constructor(
    private readonly sliceMs = DEFAULT_SLICE_MS,
    private readonly now: () => number = () => performance.now(),
    private readonly turn: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
  ) {
    this.sliceStart = this.now();
  }

  pause(): Promise<void> {
    if (this.now() - this.sliceStart < this.sliceMs) return ready;
    return this.turn().then(() => {
      this.sliceStart = this.now();
    });
  }
}
