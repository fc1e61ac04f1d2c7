/** What to drop when the queue is full. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

/**
 * Runs jobs with at most `concurrency` at a time, holding at most `limit` waiting. A full
 * queue drops by policy and says how many, so memory stays bounded under a slow handler and
 * the loss is reported, not silent.
 */
export class HandlerQueue<T> {
  readonly #waiting: T[] = [];
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(
    private readonly run: (item: T) => void | Promise<void>,
    private readonly concurrency: number,
    private readonly limit: number,
    private readonly policy: OverflowPolicy,
    private readonly onDrop: (dropped: T[]) => void,
  ) {}

  get depth(): number {
    return this.#waiting.length;
  }

  /** The item that has waited longest, if any. */
  get oldest(): T | undefined {
    return this.#waiting[0];
  }

  push(item: T): void {
    if (this.#waiting.length >= this.limit) {
      if (this.policy === 'drop-newest') {
        this.onDrop([item]);
        return;
      }
      const dropped = this.#waiting.splice(0, this.#waiting.length - this.limit + 1);
      this.onDrop(dropped);
    }
    this.#waiting.push(item);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.concurrency && this.#waiting.length > 0) {
      const item = this.#waiting.shift() as T;
      this.#running++;
      const result = this.run(item);
      // Synchronous handlers finish here: no promise per event.
      if (result instanceof Promise) {
        result.finally(() => this.#finish());
      } else {
        this.#running--;
      }
    }
    this.#settleIdle();
  }

  #finish(): void {
    this.#running--;
    this.#pump();
  }

  #settleIdle(): void {
    if (this.#running === 0 && this.#waiting.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves once nothing runs and nothing waits. */
  drain(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
