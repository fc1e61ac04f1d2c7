import { Redis } from 'ioredis';
import { nowMs } from './clock.js';
import type { RedisNode } from './redis-node.js';
import { waitFor } from './wait.js';

/** A `host:port` pair as Sentinel announces it. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** One message a sentinel published about itself (`+sdown`, `+odown`, `+switch-master`, …). */
export interface SentinelEvent {
  /** When this process received it: epoch ms with sub-ms resolution ({@link nowMs}). */
  readonly at: number;
  /** The node name of the sentinel that published it. */
  readonly sentinel: string;
  /** The event type, which Sentinel uses as the channel name. */
  readonly channel: string;
  readonly message: string;
}

/** A `+switch-master` announcement, parsed. */
export interface SwitchMaster {
  readonly at: number;
  readonly sentinel: string;
  readonly masterName: string;
  readonly from: Address;
  readonly to: Address;
}

export function parseSwitchMaster(e: SentinelEvent): SwitchMaster | undefined {
  if (e.channel !== '+switch-master') return undefined;
  const [masterName, fromHost, fromPort, toHost, toPort] = e.message.split(' ');
  if (!masterName || !fromHost || !fromPort || !toHost || !toPort) return undefined;
  return {
    at: e.at,
    sentinel: e.sentinel,
    masterName,
    from: { host: fromHost, port: Number(fromPort) },
    to: { host: toHost, port: Number(toPort) },
  };
}

/**
 * Listens to every event of every sentinel of a topology (PSUBSCRIBE *), from the moment
 * the topology is up, and keeps them with their arrival time. Subscriptions follow a
 * sentinel through kills and restarts.
 */
export class SentinelWatch {
  readonly #events: SentinelEvent[] = [];
  readonly #subscribers: Redis[] = [];
  readonly #listeners = new Set<(e: SentinelEvent) => void>();

  static async start(sentinels: readonly RedisNode[], timeoutMs: number): Promise<SentinelWatch> {
    const watch = new SentinelWatch();
    await Promise.all(sentinels.map((s) => watch.#subscribe(s, timeoutMs)));
    return watch;
  }

  async #subscribe(sentinel: RedisNode, timeoutMs: number): Promise<void> {
    const sub = new Redis({
      ...sentinel.connectionOptions(),
      lazyConnect: true,
      enableReadyCheck: false,
      // Follow the sentinel through kills and restarts for as long as the topology lives.
      retryStrategy: () => 50,
      maxRetriesPerRequest: null,
    });
    sub.on('error', () => {});
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const event: SentinelEvent = { at: nowMs(), sentinel: sentinel.name, channel, message };
      this.#events.push(event);
      for (const listener of this.#listeners) listener(event);
    });
    this.#subscribers.push(sub);
    await waitFor(
      `event subscription on ${sentinel.name}`,
      async () => {
        if (sub.status === 'wait') await sub.connect();
        await sub.psubscribe('*');
        return { done: true, value: undefined };
      },
      { timeoutMs },
    );
  }

  /** Every event received so far, oldest first. */
  get events(): readonly SentinelEvent[] {
    return this.#events;
  }

  /** Calls `listener` for each event from now on; returns the function that stops it. */
  on(listener: (e: SentinelEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Failovers seen, each once: every sentinel announces the same switch, so only the first
   * announcement of each `from → to` transition is kept (its `at` is the earliest).
   */
  switchMasters(): SwitchMaster[] {
    const out: SwitchMaster[] = [];
    for (const e of this.#events) {
      const s = parseSwitchMaster(e);
      if (!s) continue;
      const last = out.at(-1);
      const same = last && last.to.host === s.to.host && last.to.port === s.to.port && last.from.port === s.from.port;
      if (!same) out.push(s);
    }
    return out;
  }

  /** Resolves with the first `+switch-master` received at or after `after` (epoch ms). */
  async waitForSwitchMaster(opts: { after?: number; timeoutMs: number }): Promise<SwitchMaster> {
    const after = opts.after ?? 0;
    return waitFor(
      '+switch-master',
      async () => {
        const found = this.switchMasters().find((s) => s.at >= after);
        return found ? { done: true, value: found } : { done: false, observed: `${this.#events.length} sentinel events, no switch yet` };
      },
      { timeoutMs: opts.timeoutMs },
    );
  }

  close(): void {
    this.#listeners.clear();
    for (const sub of this.#subscribers) sub.disconnect();
    this.#subscribers.length = 0;
  }
}
