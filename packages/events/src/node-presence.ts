import { randomBytes } from 'node:crypto';
import { LuaScript, readLua } from '@coordis/client';
import type { Cluster, Redis } from 'ioredis';

const PRESENCE = new LuaScript('events_presence', readLua(import.meta.url, 'presence'), ['presence'], ['instance', 'ttlMs']);

/** What the presence tells its bus. */
export interface PresenceHooks {
  /** Another live process claims this node id. Called once per such process. */
  collision(otherInstance: string): void;
  error(error: Error): void;
}

/**
 * This process's presence under its node id: a hash entry renewed every heartbeat. Another
 * process with the same id is reported once its entry is seen renewed — a process that crashed
 * leaves an entry that is never renewed and expires, so a node restarted after SIGKILL is not
 * mistaken for a twin of its dead predecessor. Both twins see each other within about two beats.
 */
export class NodePresence {
  /** Random per process: what tells two processes with one node id apart. */
  readonly instance = randomBytes(8).toString('hex');
  readonly #seen = new Map<string, number>();
  readonly #reported = new Set<string>();
  readonly #client: Redis | Cluster;
  readonly #key: string;
  readonly #heartbeatMs: number;
  readonly #ttlMs: number;
  readonly #hooks: PresenceHooks;
  #timer: NodeJS.Timeout | undefined;
  #beating = false;
  #stopped = false;

  constructor(client: Redis | Cluster, key: string, heartbeatMs: number, beats: number, hooks: PresenceHooks) {
    this.#client = client;
    this.#key = key;
    this.#heartbeatMs = heartbeatMs;
    this.#ttlMs = heartbeatMs * beats;
    this.#hooks = hooks;
  }

  /** Other live processes seen with this node id. */
  get collisions(): number {
    return this.#reported.size;
  }

  /** Claims the presence and renews it every heartbeat until `stop()`. */
  async start(): Promise<void> {
    await this.#beat();
    if (this.#stopped) return;
    this.#timer = setInterval(() => void this.#beat(), this.#heartbeatMs);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    // A beat still waiting for its reply (a slow or failing-over server) is not doubled.
    if (this.#beating || this.#stopped) return;
    this.#beating = true;
    try {
      const reply = (await PRESENCE.run(
        this.#client,
        { presence: this.#key },
        { instance: this.instance, ttlMs: this.#ttlMs },
      )) as unknown[];
      const live = new Set<string>();
      for (let i = 1; i + 1 < reply.length; i += 2) {
        const other = String(reply[i]);
        const expiry = Number(reply[i + 1]);
        live.add(other);
        const before = this.#seen.get(other);
        this.#seen.set(other, expiry);
        if (before !== undefined && expiry > before && !this.#reported.has(other)) {
          this.#reported.add(other);
          this.#hooks.collision(other);
        }
      }
      for (const other of this.#seen.keys()) if (!live.has(other)) this.#seen.delete(other);
    } catch (e) {
      if (!this.#stopped) this.#hooks.error(e as Error);
    } finally {
      this.#beating = false;
    }
  }

  /** Stops renewing and removes this process's entry, so a successor starts clean. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#client.hdel(this.#key, this.instance).catch(() => {});
  }
}
