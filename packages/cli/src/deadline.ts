/** A point in time a run must finish by, with the helpers to hold work to it. */
export class Deadline {
  readonly atMs: number;

  constructor(budgetMs: number) {
    this.atMs = performance.now() + budgetMs;
  }

  /** Milliseconds left, never below 0. */
  remainingMs(): number {
    return Math.max(0, this.atMs - performance.now());
  }

  get expired(): boolean {
    return this.remainingMs() === 0;
  }

  /**
   * Resolves with `work`, or with `onTimeout()` once `limitMs` (or the deadline, if sooner)
   * has passed. The work is not cancelled, only no longer waited for: callers close its
   * connections afterwards.
   */
  race<T>(work: Promise<T>, limitMs: number, onTimeout: (waitedMs: number) => T): Promise<T> {
    const waitMs = Math.min(limitMs, this.remainingMs());
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => resolve(onTimeout(waitMs)), waitMs);
      work.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}
