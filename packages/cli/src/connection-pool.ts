import type { Redis } from 'ioredis';
import { type ConnectionTimeouts, type NodeConnection, type NodeCredentials, type NodeTarget, openNode } from './node-connection.js';

/**
 * Every connection a doctor run opens, so all of them are closed at the end — also the ones
 * whose answer came too late to be waited for.
 */
export class ConnectionPool {
  readonly #open = new Set<Redis>();
  readonly #timeouts: ConnectionTimeouts;
  #closed = false;

  constructor(timeouts: ConnectionTimeouts) {
    this.#timeouts = timeouts;
  }

  get timeouts(): ConnectionTimeouts {
    return this.#timeouts;
  }

  /** Opens and proves a connection (PING); it is closed with the pool. */
  async open(target: NodeTarget, creds: NodeCredentials): Promise<NodeConnection> {
    const c = await openNode(target, creds, this.#timeouts);
    if (c.ok) {
      if (this.#closed) c.redis.disconnect();
      else this.#open.add(c.redis);
    }
    return c;
  }

  /** Closes every connection at once (no QUIT round trip to a node that may be hung). */
  closeAll(): void {
    this.#closed = true;
    for (const r of this.#open) r.disconnect();
    this.#open.clear();
  }
}
