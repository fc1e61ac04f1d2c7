import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULTS } from './defaults.js';
import { TopologyTimeoutError } from './errors.js';

/** What a probe found: `done` with a value, or the reason it is not there yet. */
export type Probe<T> = { done: true; value: T } | { done: false; observed: string };

/**
 * Polls `probe` until it reports done, or throws {@link TopologyTimeoutError} naming what
 * was awaited and the last thing seen. A probe that throws counts as "not yet".
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<Probe<T>>,
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let observed = 'nothing yet';
  for (;;) {
    try {
      const r = await probe();
      if (r.done) return r.value;
      observed = r.observed;
    } catch (e) {
      observed = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() >= deadline) throw new TopologyTimeoutError(what, opts.timeoutMs, observed);
    await sleep(opts.intervalMs ?? DEFAULTS.pollIntervalMs);
  }
}
