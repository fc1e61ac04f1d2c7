import type { DisconnectCause } from './bus-events.js';

/** What the bus notes about a server when it subscribes, to explain a later disconnect. */
export interface ServerSnapshot {
  readonly runId: string | undefined;
  /** INFO stats `evicted_clients` (Redis ≥ 7.0: `maxmemory-clients`). */
  readonly evictedClients: number | undefined;
  /** INFO stats `client_output_buffer_limit_disconnections` (newer servers; absent on 7.0). */
  readonly outputBufferDisconnections: number | undefined;
}

/** Reads the fields a snapshot needs from an INFO reply. */
export function parseServerSnapshot(info: string): ServerSnapshot {
  const fields = new Map<string, string>();
  for (const line of info.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const count = (name: string) => {
    const v = fields.get(name);
    return v === undefined ? undefined : Number(v);
  };
  return {
    runId: fields.get('run_id'),
    evictedClients: count('evicted_clients'),
    outputBufferDisconnections: count('client_output_buffer_limit_disconnections'),
  };
}

/** A disconnect's cause, and whether Redis said so or the bus inferred it. */
export interface DisconnectVerdict {
  readonly cause: DisconnectCause;
  readonly inferred: boolean;
  readonly reason: string;
}

const rose = (before: number | undefined, after: number | undefined) => before !== undefined && after !== undefined && after > before;

/**
 * Explains why a subscription ended, from the server's counters before and after and from how
 * long this process had stopped reading just before. Redis never tells a client why it closed
 * it: a changed `run_id` means another (or a restarted) server; the counters say Redis closed
 * *some* client for that reason while ours went down; a recent event-loop stall says this
 * process stopped reading, which is what makes Redis close a subscriber at its output-buffer
 * limit — on Redis 7.0, which counts no such disconnections, that is an inference.
 */
export function classifyDisconnect(
  before: ServerSnapshot | undefined,
  after: ServerSnapshot | undefined,
  stallMs: number,
  stallThresholdMs: number,
): DisconnectVerdict {
  const lost = 'events published meanwhile are lost';
  if (before?.runId && after?.runId && before.runId !== after.runId) {
    return {
      cause: 'server-changed',
      inferred: false,
      reason: `the subscription resumed on another server (failover or restart); ${lost}`,
    };
  }
  if (rose(before?.outputBufferDisconnections, after?.outputBufferDisconnections)) {
    return {
      cause: 'output-buffer-limit',
      inferred: false,
      reason: `Redis closed a client at its output-buffer limit as this subscriber went down: it read too slowly; ${lost}`,
    };
  }
  if (rose(before?.evictedClients, after?.evictedClients)) {
    return {
      cause: 'client-eviction',
      inferred: false,
      reason: `Redis evicted clients (maxmemory-clients) as this subscriber went down; ${lost}`,
    };
  }
  if (stallMs >= stallThresholdMs) {
    return {
      cause: 'output-buffer-limit',
      inferred: true,
      reason: `the server closed the subscription after this process stopped reading for ${Math.round(stallMs)} ms: most likely the pubsub output-buffer limit (client-output-buffer-limit); ${lost}`,
    };
  }
  return {
    cause: 'connection-lost',
    inferred: false,
    reason: `the subscription's connection closed (CLIENT KILL, network, proxy: Redis does not say); ${lost}`,
  };
}

const TICK_MS = 100;
// Shorter delays are ordinary timer jitter and GC.
const NOTABLE_MS = 20;

/**
 * Measures how late a 100 ms timer fires: a late timer means the event loop was blocked (a
 * synchronous handler, CPU starvation), so no socket was read meanwhile. One timer per process,
 * shared by every bus, unref'd.
 */
class StallMonitor {
  #users = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastTick = 0;
  /** The last few stalls worth noting: [when it ended, how long], oldest first. */
  readonly #stalls: [at: number, ms: number][] = [];

  acquire(): void {
    if (this.#users++ > 0) return;
    this.#lastTick = performance.now();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  release(): void {
    if (--this.#users > 0) return;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = performance.now();
    const late = now - this.#lastTick - TICK_MS;
    this.#lastTick = now;
    if (late < NOTABLE_MS) return;
    this.#stalls.push([now, late]);
    if (this.#stalls.length > 8) this.#stalls.shift();
  }

  /** The longest stall that ended within the last `windowMs`, or the one still going on. */
  recentStallMs(windowMs: number): number {
    const now = performance.now();
    // The close may be handled before the late timer fires: count the stall in progress too.
    const ongoing = this.#timer ? now - this.#lastTick - TICK_MS : 0;
    let recorded = 0;
    for (const [at, ms] of this.#stalls) if (now - at <= windowMs) recorded = Math.max(recorded, ms);
    return Math.max(ongoing, recorded, 0);
  }
}

/** The process's stall monitor. */
export const stallMonitor = new StallMonitor();
