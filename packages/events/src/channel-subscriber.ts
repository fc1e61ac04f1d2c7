import type { Cluster, Redis } from 'ioredis';
import type { DisconnectGap } from './bus-events.js';
import { classifyDisconnect, parseServerSnapshot, type ServerSnapshot, stallMonitor } from './disconnect-cause.js';
import { slotConnection } from './slot-link.js';

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
 *
 * On Redis Cluster the bus uses sharded pub/sub: SSUBSCRIBE on a plain connection to the master
 * of the channel's slot, re-resolved from the cluster's slot map on every reconnect (see
 * slot-link.ts), so the same close → ready → resubscribe → gap sequence covers a master's
 * failover. When the slot leaves the node under a live connection (a manual failover demotes
 * it, a resharding moves the slot), Redis 7 pushes `sunsubscribe` or answers SSUBSCRIBE with
 * MOVED; ioredis turns both into a `moved` event, and the connection is dropped so the next one
 * goes to the new owner — an interruption like any other, reported as one gap.
 *
 * ioredis' own Cluster `shardedSubscribers` option is deliberately not used: it resubscribes
 * on the new owner by itself and says nothing, so the events published meanwhile would be
 * lost without a gap — exactly the silent loss this bus exists to report.
 */
export class ChannelSubscriber {
  readonly #client: Redis | Cluster;
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

  constructor(client: Redis | Cluster, channel: string, options: SubscriberOptions, hooks: SubscriberHooks) {
    this.#client = client;
    this.#channel = channel;
    this.#options = options;
    this.#hooks = hooks;
  }

  /** Subscribes; resolves once Redis acknowledged the subscription. */
  async start(): Promise<void> {
    const client = this.#client;
    const sub = client.isCluster
      ? slotConnection(client as Cluster, this.#channel, { autoResubscribe: false })
      : (client as Redis).duplicate({ autoResubscribe: false });
    this.#sub = sub;
    stallMonitor.acquire();
    sub.on('error', (e: Error) => this.#hooks.error(e));
    sub.on('close', () => this.#closed());
    sub.on('ready', () => {
      if (this.#down && !this.#closing) void this.#resubscribe();
    });
    // The slot left this node: drop the connection and let the reconnect find the new owner.
    sub.on('moved', () => {
      if (!this.#closing) sub.disconnect(true);
    });
    sub.on(client.isCluster ? 'smessageBuffer' : 'messageBuffer', (_channel: Buffer, message: Buffer) => {
      // Redis sends the SUBSCRIBE reply first, but the promise settles a tick later: the gap
      // must still come before the first event after it.
      if (this.#down) this.#reportGap();
      this.#hooks.receive(message);
    });
    this.#snapshot = await this.#noteServer(sub);
    await this.#subscribe(sub);
    this.#subscribed = true;
  }

  #subscribe(sub: Redis): Promise<unknown> {
    return this.#client.isCluster ? sub.ssubscribe(this.#channel) : sub.subscribe(this.#channel);
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
      await this.#subscribe(sub);
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
      await (this.#client.isCluster ? sub.sunsubscribe() : sub.unsubscribe()).catch(() => {});
      sub.disconnect();
      stallMonitor.release();
    }
  }
}
