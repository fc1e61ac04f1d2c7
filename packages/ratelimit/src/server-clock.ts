/**
 * This process's estimate of the Redis server's clock, learnt from the server time every
 * script reply carries. Decisions always use the server's own TIME; the estimate only picks
 * which fixed-window key to send (the script refuses a wrong guess), and dates cached blocks.
 * Local time is monotonic (`performance.now()`), so a wall-clock step here changes nothing.
 */
export class ServerClock {
  // Server ms minus local monotonic ms; starts as the local wall clock's offset.
  #offsetMs = Date.now() - performance.now();
  #observed = false;

  /** The server's time now, as estimated here (ms since the epoch). */
  nowMs(): number {
    return performance.now() + this.#offsetMs;
  }

  /** True once a server reply has set the estimate. */
  get observed(): boolean {
    return this.#observed;
  }

  /**
   * Learns from a reply: the server read `serverMs` somewhere between `sentAt` and
   * `receivedAt` (local monotonic ms); the midpoint is off by at most half the round trip.
   */
  observe(serverMs: number, sentAt: number, receivedAt: number): void {
    this.#offsetMs = serverMs - (sentAt + receivedAt) / 2;
    this.#observed = true;
  }
}
