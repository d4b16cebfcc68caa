/**
 * Settles as `work` does, or fails with "Command timed out" after `ms`. The verdict waits one turn
 * of I/O after its timer fires: an event loop that was busy (a long synchronous task, a GC pause)
 * runs its due timers before it reads its sockets, and a reply already waiting there is not an
 * outage (of Redis, of the database).
 */
export function withinTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // A promise settles once: the verdict is a no-op when the work has already settled.
    const timer = setTimeout(() => setImmediate(() => reject(new Error('Command timed out'))), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      // The drivers reject with Errors; they pass through unchanged.
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
