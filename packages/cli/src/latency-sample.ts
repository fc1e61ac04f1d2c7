import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { isReplyError } from './node-connection.js';

/** Percentiles of round trips, in milliseconds. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The value at percentile `p` (0–100) of an ascending list, nearest-rank. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const rank = Math.min(sortedMs.length, Math.max(1, Math.ceil((p / 100) * sortedMs.length)));
  return sortedMs[rank - 1] as number;
}

/** p50, p99 and max of round trips. */
export function summarizeLatency(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/**
 * Sends `count` PINGs `intervalMs` apart, one at a time (as `redis-cli --latency` does), and
 * returns each round trip. Stops early, with what it has, when `signal` aborts.
 */
export async function samplePings(redis: Redis, count: number, intervalMs: number, signal?: AbortSignal): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count && !signal?.aborted; i++) {
    const started = performance.now();
    try {
      await redis.ping();
    } catch (e) {
      // An error reply (MISCONF refuses PING after a failed save) is still a round trip.
      if (!isReplyError(e)) throw e;
    }
    out.push(performance.now() - started);
    if (i + 1 < count) {
      try {
        await sleep(intervalMs, undefined, signal ? { signal } : {});
      } catch {
        break;
      }
    }
  }
  return out;
}
