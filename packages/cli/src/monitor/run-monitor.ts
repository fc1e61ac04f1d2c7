import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionSpec, NatMap } from '@coordis/client';
import { DEFAULTS } from '../defaults.js';
import { describeSpec, targetFromSpec, targetFromUrl } from '../doctor-target.js';
import { DoctorOptionsError } from '../errors.js';
import { EXIT } from '../exit-code.js';
import { palette } from '../render-style.js';
import { MonitorSession } from './monitor-session.js';
import { renderEventLine, renderLine } from './render-line.js';
import { renderScreen } from './render-screen.js';

/** Options of {@link runMonitor}. */
export interface MonitorOptions {
  readonly url?: string;
  readonly spec?: ConnectionSpec;
  /** Refresh period. @default 1000 */
  readonly intervalMs?: number;
  /** One snapshot, then return: with `json`, `coordis monitor --once --json`. */
  readonly once?: boolean;
  readonly json?: boolean;
  readonly out: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number; readonly rows?: number };
  readonly err?: { write(text: string): unknown };
  readonly color?: boolean;
  readonly natMap?: NatMap;
  /** Stops the monitor; without one, SIGINT and SIGTERM do. */
  readonly signal?: AbortSignal;
}

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const HOME = '\x1b[H\x1b[2J';

/**
 * `coordis monitor`: one screen for the whole topology, refreshed every `intervalMs`, with
 * Sentinel's events in a pane. On a terminal it draws in the alternate screen and restores the
 * terminal when stopped (Ctrl-C); otherwise it prints one line per refresh and one per event.
 * Resolves with the exit code: 0, or with `once` 3 when no node answered (live, it keeps
 * waiting for them to come back).
 */
export async function runMonitor(o: MonitorOptions): Promise<number> {
  const intervalMs = o.intervalMs ?? DEFAULTS.monitorIntervalMs;
  if (!(intervalMs > 0)) throw new DoctorOptionsError('interval', `interval must be a positive number of milliseconds, got ${intervalMs}.`);
  if (o.json && !o.once) throw new DoctorOptionsError('json', '--json needs --once: a live JSON stream is not offered.');
  const target = o.url !== undefined ? targetFromUrl(o.url) : o.spec ? targetFromSpec(o.spec, describeSpec(o.spec)) : undefined;
  if (!target) throw new DoctorOptionsError('url', 'say what to monitor: a URL, or a spec.');
  const tty = o.out.isTTY === true && !o.once;
  const session = new MonitorSession(target, {
    pingMs: DEFAULTS.monitorPingMs,
    sparkWidth: DEFAULTS.monitorSparkWidth,
    natMap: o.natMap,
    ...(tty || o.once ? {} : { onEvent: (e) => o.out.write(`${renderEventLine(e)}\n`) }),
  });

  const controller = new AbortController();
  const stop = () => controller.abort();
  const signal = o.signal ?? controller.signal;
  if (!o.signal) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  const restore = () => o.out.write(LEAVE);
  if (tty) {
    o.out.write(ENTER);
    process.once('exit', restore);
  }
  try {
    session.start();
    if (o.once) {
      // Two reads one interval apart: rates come from deltas, latency from the PINGs between.
      await session.collect();
      await sleep(Math.min(intervalMs, 1_000), undefined, { signal }).catch(() => {});
      const snap = await session.collect();
      o.out.write(o.json ? `${JSON.stringify(snap, null, 2)}\n` : `${renderLine(snap)}\n`);
      // Like the doctor: 3 when nothing at all answered, so a script can tell.
      return snap.nodes.some((n) => n.up) || snap.sentinels.some((x) => x.up) ? EXIT.ok : EXIT.unreachable;
    }
    const c = palette(o.color === true);
    while (!signal.aborted) {
      const started = performance.now();
      const snap = await session.collect();
      if (signal.aborted) break;
      if (tty) {
        const size = { columns: o.out.columns ?? 120, rows: o.out.rows ?? 40 };
        o.out.write(`${HOME}${renderScreen(snap, c, size, intervalMs)}\n`);
      } else {
        o.out.write(`${renderLine(snap)}\n`);
      }
      await sleep(Math.max(0, intervalMs - (performance.now() - started)), undefined, { signal }).catch(() => {});
    }
    return 0;
  } finally {
    await session.close();
    if (tty) {
      process.off('exit', restore);
      restore();
    }
    if (!o.signal) {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }
}
