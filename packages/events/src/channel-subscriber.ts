import type { Redis } from 'ioredis';
import type { DisconnectGap } from './bus-events.js';
import { classifyDisconnect, parseServerSnapshot, type ServerSnapshot, stallMonitor } from './disconnect-cause.js';

/** What the subscriber tells its bus. */
export interface SubscriberHooks {
  receive(raw: Buffer): void;
  gap(gap: DisconnectGap): void;
  error(error: Error): void;
}

/** How the subscriber judges a stall. */
export interface SubscriberOptions {
  readonly stallThresholdMs: number;
  readonly stallWindowMs: number;
}

/**
 * A transient bus's subscription to its channel, on a connection of its own. It resubscribes
 * itself (ioredis' autoResubscribe is off) so it knows the moment the subscription is live
 * again, and reports each interruption as one `disconnect` gap — before any event received on
 * the new subscription, with the cause it could establish. Before each SUBSCRIBE it notes the
 * server's run id and disconnect counters (INFO), to compare after the next interruption.
 */
export class ChannelSubscriber {
  readonly #client: Redis;
  readonly #channel: string;
  readonly #options: SubscriberOptions;
  readonly #hooks: SubscriberHooks;
  #sub: Redis | undefined;
  #subscribed = false;
  #closing = false;
  /** Bumped on every close, so a resubscription overtaken by another close gives up. */
  #generation = 0;
  #snapshot: ServerSnapshot | undefined;
  #down: { since: number; stallMs: number; after?: ServerSnapshot | undefined } | undefined;

  constructor(client: Redis, channel: string, options: SubscriberOptions, hooks: SubscriberHooks) {
    this.#client = client;
    this.#channel = channel;
    this.#options = options;
    this.#hooks = hooks;
  }

  /** Subscribes; resolves once Redis acknowledged the subscription. */
  async start(): Promise<void> {
    const sub = this.#client.duplicate({ autoResubscribe: false });
    this.#sub = sub;
    stallMonitor.acquire();
    sub.on('error', (e: Error) => this.#hooks.error(e));
    sub.on('close', () => this.#closed());
    sub.on('ready', () => {
      if (this.#down && !this.#closing) void this.#resubscribe();
    });
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      // Redis sends the SUBSCRIBE reply first, but the promise settles a tick later: the gap
      // must still come before the first event after it.
      if (this.#down) this.#reportGap();
      this.#hooks.receive(message);
    });
    this.#snapshot = await this.#noteServer(sub);
    await sub.subscribe(this.#channel);
    this.#subscribed = true;
  }

  #closed(): void {
    this.#generation++;
    if (!this.#subscribed || this.#closing) return;
    const stallMs = stallMonitor.recentStallMs(this.#options.stallWindowMs);
    if (this.#down) this.#down.stallMs = Math.max(this.#down.stallMs, stallMs);
    else this.#down = { since: Date.now(), stallMs };
  }

  async #resubscribe(): Promise<void> {
    const sub = this.#sub;
    const generation = this.#generation;
    if (!sub || !this.#down) return;
    try {
      const after = await this.#noteServer(sub);
      if (generation !== this.#generation || !this.#down) return;
      this.#down.after = after;
      await sub.subscribe(this.#channel);
    } catch (e) {
      // The connection went down again; its next `ready` tries again.
      if (!this.#closing && generation === this.#generation) this.#hooks.error(e as Error);
      return;
    }
    if (generation === this.#generation && this.#down) this.#reportGap();
  }

  async #noteServer(sub: Redis): Promise<ServerSnapshot | undefined> {
    try {
      return parseServerSnapshot(await sub.info());
    } catch {
      // INFO may be denied by an ACL: the cause is then judged without the server's word.
      return undefined;
    }
  }

  #reportGap(): void {
    const down = this.#down;
    if (!down) return;
    this.#down = undefined;
    const verdict = classifyDisconnect(this.#snapshot, down.after, down.stallMs, this.#options.stallThresholdMs);
    if (down.after) this.#snapshot = down.after;
    this.#hooks.gap({ kind: 'disconnect', from: down.since, to: Date.now(), ...verdict });
  }

  /** Unsubscribes and closes the subscription's connection. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const sub = this.#sub;
    if (sub) {
      await sub.unsubscribe().catch(() => {});
      sub.disconnect();
      stallMonitor.release();
    }
  }
}
