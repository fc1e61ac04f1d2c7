import type { ScriptClient } from '@coordis/client';
import type { Cluster, Redis, RedisKey } from 'ioredis';

const CHANNEL_PREFIX = Buffer.from('coordis:lock:', 'latin1');

/**
 * The pub/sub channel release.lua announces a lock's releases on: a fixed prefix, then the key
 * as the server sees it, so after the client's ioredis `keyPrefix`, if it has one.
 */
export function releaseChannel(key: RedisKey, keyPrefix = ''): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  return Buffer.concat([CHANNEL_PREFIX, Buffer.from(keyPrefix, 'utf8'), bytes]);
}

/** A waiter's view of one lock's channel. */
export interface ChannelWatch {
  /** Counts releases heard on the channel; an attempt that overlapped one must not go to sleep. */
  readonly seq: number;
  /** Resolves once the subscription is confirmed, `ms` pass, or `signal` fires. */
  subscribed(ms: number, signal: AbortSignal | undefined): Promise<void>;
  /** Resolves when a release is handed to this waiter, `ms` pass, or `signal` fires. */
  next(ms: number, signal: AbortSignal | undefined): Promise<void>;
  /** Leaves the channel; the last watcher unsubscribes. */
  close(): void;
}

interface Channel {
  readonly name: Buffer;
  refs: number;
  seq: number;
  /** Waiters asleep on the channel, first come first woken. */
  readonly sleepers: (() => void)[];
  readonly ready: Promise<void>;
}

function sleep(ms: number, signal: AbortSignal | undefined, also?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    also?.then(done, done);
  });
}

/**
 * Wakes waiters when a lock they wait for is released. One subscriber connection per client
 * (a duplicate: a RESP2 connection in subscriber mode can send nothing else), one channel per
 * lock someone here waits for. Each release wakes one waiter of this process: a lock frees one
 * place, and waking them all would only make the rest lose the race. A notification lost while
 * the subscriber reconnects costs a waiter at most its fallback poll.
 */
export class ReleaseNotifier {
  readonly #client: ScriptClient;
  readonly #idleMs: number;
  readonly #channels = new Map<string, Channel>();
  #subscriber: Redis | Cluster | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(client: ScriptClient, idleMs: number) {
    this.#client = client;
    this.#idleMs = idleMs;
  }

  /** Starts watching a lock's channel (subscribing if nobody here does yet). */
  watch(name: Buffer): ChannelWatch {
    const id = name.toString('latin1');
    let channel = this.#channels.get(id);
    if (!channel) {
      channel = { name, refs: 0, seq: 0, sleepers: [], ready: this.#subscribe(name) };
      this.#channels.set(id, channel);
    }
    if (this.#idleTimer) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
    channel.refs++;
    const ch = channel;
    let open = true;
    return {
      get seq() {
        return ch.seq;
      },
      subscribed: (ms, signal) => sleep(ms, signal, ch.ready),
      next: (ms, signal) =>
        new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', wake);
            const at = ch.sleepers.indexOf(wake);
            if (at >= 0) ch.sleepers.splice(at, 1);
            resolve();
          };
          const timer = setTimeout(wake, ms);
          signal?.addEventListener('abort', wake, { once: true });
          ch.sleepers.push(wake);
        }),
      close: () => {
        if (!open) return;
        open = false;
        this.#leave(id, ch);
      },
    };
  }

  /** Disconnects the subscriber; waiters still waiting fall back to polling. */
  close(): void {
    this.#closed = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  #connection(): Redis | Cluster | undefined {
    if (this.#closed) return undefined;
    if (!this.#subscriber) {
      const client = this.#client;
      const sub: Redis | Cluster = client.isCluster ? (client as Cluster).duplicate() : (client as Redis).duplicate();
      sub.on('messageBuffer', (channel: Buffer) => this.#heard(channel));
      // The subscriber reconnects and resubscribes by itself; until then waiters poll. The
      // client the locks run on reports the same connection problems to the application.
      sub.on('error', () => {});
      this.#subscriber = sub;
    }
    return this.#subscriber;
  }

  #subscribe(name: Buffer): Promise<void> {
    const sub = this.#connection();
    if (!sub) return new Promise(() => {});
    // A failed SUBSCRIBE leaves the channel to the fallback poll; ready then never resolves and
    // the waiter's `subscribed` returns after its timeout instead.
    return sub.subscribe(name).then(
      () => undefined,
      () => new Promise<void>(() => {}),
    );
  }

  #heard(name: Buffer): void {
    const channel = this.#channels.get(name.toString('latin1'));
    if (!channel) return;
    channel.seq++;
    channel.sleepers[0]?.();
  }

  #leave(id: string, channel: Channel): void {
    channel.refs--;
    if (channel.refs > 0 || this.#channels.get(id) !== channel) return;
    this.#channels.delete(id);
    this.#subscriber?.unsubscribe(channel.name).catch(() => {});
    if (this.#channels.size === 0 && this.#subscriber && !this.#idleTimer) {
      this.#idleTimer = setTimeout(() => {
        this.#idleTimer = undefined;
        if (this.#channels.size > 0) return;
        this.#subscriber?.disconnect();
        this.#subscriber = undefined;
      }, this.#idleMs);
      this.#idleTimer.unref();
    }
  }
}
