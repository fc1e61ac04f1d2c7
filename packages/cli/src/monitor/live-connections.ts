import { once } from 'node:events';
import { Redis } from 'ioredis';
import { type NodeCredentials, type NodeTarget, nodeRedisOptions } from '../node-connection.js';

/** Connection timeouts of the monitor: a refresh must not wait on a dead node. */
const TIMEOUTS = { connectTimeoutMs: 1_000, commandTimeoutMs: 1_000 };
/** A node that went away is dialled again this often, so it comes back on screen by itself. */
const RECONNECT_MS = 500;

/**
 * The monitor's long-lived connections, one per node, which reconnect by themselves when a
 * node comes back; commands on a node that is down fail at once (no offline queue).
 */
export class LiveConnections {
  readonly #conns = new Map<string, Redis>();
  readonly #subscribers = new Map<string, Redis>();
  readonly #errors = new Map<string, string>();
  #closed = false;

  /** Why a node's connection is down, in the socket's words (ECONNREFUSED…), rather than ioredis'. */
  lastError(key: string): string | undefined {
    return this.#errors.get(key);
  }

  /** The connection to a node, opened (and waited for, up to 1 s) the first time. */
  async get(key: string, target: NodeTarget, creds: NodeCredentials): Promise<Redis> {
    if (this.#closed) throw new Error('the monitor is closing');
    const existing = this.#conns.get(key);
    if (existing) return existing;
    const redis = new Redis({ ...nodeRedisOptions(target, creds, TIMEOUTS), lazyConnect: false, retryStrategy: () => RECONNECT_MS });
    redis.on('error', (e: NodeJS.ErrnoException) => this.#errors.set(key, e.code ?? e.message.split('\n')[0] ?? 'error'));
    redis.on('ready', () => this.#errors.delete(key));
    this.#conns.set(key, redis);
    const timeout = AbortSignal.timeout(TIMEOUTS.connectTimeoutMs);
    try {
      await once(redis, 'ready', { signal: timeout });
    } catch {
      // Down for now: commands fail at once and the connection keeps retrying.
    }
    return redis;
  }

  /** A subscriber (PSUBSCRIBE) that resubscribes by itself after a reconnect. */
  subscribe(
    key: string,
    target: NodeTarget,
    creds: NodeCredentials,
    pattern: string,
    onMessage: (channel: string, message: string) => void,
  ): void {
    if (this.#closed || this.#subscribers.has(key)) return;
    // A subscriber waits for messages as long as it lives: no command timeout.
    const { commandTimeout: _none, ...base } = nodeRedisOptions(target, creds, TIMEOUTS);
    const sub = new Redis({
      ...base,
      lazyConnect: false,
      enableOfflineQueue: true,
      autoResubscribe: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => RECONNECT_MS,
    });
    sub.on('error', () => {});
    sub.on('pmessage', (_p: string, channel: string, message: string) => onMessage(channel, message));
    sub.psubscribe(pattern).catch(() => {});
    this.#subscribers.set(key, sub);
  }

  /** Closes everything at once. */
  closeAll(): void {
    this.#closed = true;
    for (const r of [...this.#conns.values(), ...this.#subscribers.values()]) r.disconnect();
    this.#conns.clear();
    this.#subscribers.clear();
  }
}
