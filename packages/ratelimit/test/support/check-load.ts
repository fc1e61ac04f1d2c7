/** What answered the checks of a load: Redis, or the limiter's unavailability policy. */
export interface CheckTally {
  redis: number;
  fallback: number;
}

/**
 * Runs `workers` loops of `check()` until `stop()`: each counts who answered, and a loop
 * answered by the fallback waits `backoffMs` before its next check, as a caller would.
 */
export function checkLoad(
  check: () => Promise<{ readonly source: string }>,
  backoffMs: number,
  workers = 16,
): { tally: CheckTally; stop: () => Promise<void> } {
  const tally: CheckTally = { redis: 0, fallback: 0 };
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const r = await check();
      tally[r.source === 'redis' ? 'redis' : 'fallback']++;
      if (r.source !== 'redis') await new Promise<void>((resolve) => setTimeout(resolve, backoffMs));
    }
  });
  return {
    tally,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
