// Shared pieces of the events benchmarks: latency summaries, medians, a closed-loop publisher.
import { type } from '../src/index.js';

/** Throughput (per second) and latency percentiles (ms) of one run. */
export interface Measure {
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
}

/** Throughput over [start, end] (performance.now() ms) and percentiles of the latencies given. */
export function summarise(start: number, end: number, latencies: number[], count = latencies.length): Measure {
  const s = latencies.sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { throughput: (count / (end - start)) * 1000, p50: at(0.5), p99: at(0.99) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Sends `total` messages with `inFlight` outstanding at any time. */
export async function publishAll(total: number, inFlight: number, send: (seq: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) await send(next++);
    }),
  );
}

/** Sends `total` messages at `perSecond`, in the small bursts a 1 ms timer allows. */
export async function publishPaced(total: number, perSecond: number, send: (seq: number) => unknown): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * perSecond) / 1000) + 1);
    while (sent < due) send(sent++);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** A promise and the function that resolves it. */
export function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The event the durable benchmarks publish: a 200-byte payload and its send time. */
export const benchEvents = {
  'mailbox.changed': type<{ account: number; mailbox: string; text: string; seq: number; t: number }>(),
};

/**
 * Milliseconds on a clock all processes of the machine share: each process's monotonic clock
 * offset by the wall-clock time it started, as the Performance API defines it.
 */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

/** What a reader process sends its parent once it has seen every event. */
export interface ReaderReport {
  readonly latencies: number[];
  /** When it handled the last event (sharedNow). */
  readonly lastAt: number;
}
