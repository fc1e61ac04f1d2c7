import { EventEmitter } from 'node:events';
import type { Gap } from '@coordis/events';
import type { Cluster, Redis } from 'ioredis';
import { type BroadcastProblem, decodeBroadcast } from './broadcast-codec.js';
import type { StalwartEvent, StalwartEventOf, StalwartEventType } from './broadcast-events.js';
import { DEFAULTS } from './defaults.js';

/** Where an event came from. */
export interface BroadcastMeta {
  /** The node id of the Stalwart node (or publisher) that sent the batch. */
  readonly nodeId: number;
  /** The event's position in its batch. */
  readonly index: number;
  /** When this process received the batch, ms since the epoch. */
  readonly receivedAtMs: number;
}

/**
 * A blocked IP was added (`insert`, Stalwart's auto-ban or an administrator) or removed, by its
 * registry id. The broadcast carries the id only: read the BlockedIp object from Stalwart's
 * registry (its management API) for the address and the expiry.
 */
export interface BlockedIpChange {
  readonly change: 'insert' | 'delete';
  readonly id: bigint;
}

/** A TLS certificate was stored (`insert`, e.g. an ACME renewal), removed, or all were reloaded (`reload`, no id). */
export interface CertificateChange {
  readonly change: 'insert' | 'delete' | 'reload';
  readonly id?: bigint;
}

/** A handler; a returned promise is awaited only to catch its rejection (handlers run concurrently). */
export type BroadcastHandler<E> = (event: E, meta: BroadcastMeta) => void | Promise<void>;

/**
 * Typed handlers, by event type (`stateChange`, `emailPush`, `registryInsert`, …), plus views of
 * registry events — `blockedIp` and `certificate` — and `event` for every event. A registry
 * event of a BlockedIp reaches both its `registryInsert`/`registryDelete` handler and `blockedIp`.
 */
export type StalwartHandlers = { readonly [T in StalwartEventType]?: BroadcastHandler<StalwartEventOf<T>> } & {
  readonly blockedIp?: BroadcastHandler<BlockedIpChange>;
  readonly certificate?: BroadcastHandler<CertificateChange>;
  readonly event?: BroadcastHandler<StalwartEvent>;
};

/** A message on the channel that is not a valid batch, or whose tail is not. */
export interface InvalidBatch {
  readonly reason: BroadcastProblem;
  readonly detail: string;
  /** Byte offset of the event (or node id) that could not be read. */
  readonly offset: number;
  /** The sender's node id, when it could be read. */
  readonly nodeId?: number;
  /** Events before the bad byte, which were delivered. */
  readonly delivered: number;
  /** The message's size in bytes. */
  readonly size: number;
  /** The first bytes of the message, hex. */
  readonly sample: string;
}

/** What a follower reports besides events (`follower.events`). */
export interface StalwartFollowerEvents {
  /** Subscribed. */
  ready: [];
  invalid: [invalid: InvalidBatch];
  /** The subscription was interrupted: batches published meanwhile are lost (pub/sub keeps nothing). */
  gap: [gap: Gap];
  /** A handler threw or rejected; the other handlers and events go on. */
  handlerError: [info: { readonly error: unknown; readonly event: StalwartEvent; readonly meta: BroadcastMeta }];
  /** Connection trouble; the subscriber keeps reconnecting. */
  error: [error: Error];
}

/** Counters of a follower. */
export interface FollowerStats {
  readonly batches: number;
  readonly events: number;
  readonly invalid: number;
  /** Batches skipped because they came from an ignored node id (this process's own publisher). */
  readonly skipped: number;
  readonly handlerErrors: number;
  readonly gaps: number;
}

/** Options of {@link followStalwart}. */
export interface StalwartFollowerOptions {
  /** Any ioredis `Redis` or `Cluster` on the Redis Stalwart's coordinator uses; the follower subscribes on its own `duplicate()`. */
  readonly client: Redis | Cluster;
  readonly handlers: StalwartHandlers;
  /** @default 'stwt.agora' */
  readonly channel?: string;
  /**
   * Node ids whose batches are skipped, as a Stalwart node skips its own: give your publisher's
   * node id so this process does not handle what it sent.
   * @default []
   */
  readonly ignoreNodeIds?: readonly number[];
}

/** A running subscription to a Stalwart cluster's broadcast. Made by {@link followStalwart}. */
export class StalwartFollower {
  /** Reports: `ready`, `invalid`, `gap`, `handlerError`, `error`. */
  readonly events = new EventEmitter<StalwartFollowerEvents>();
  /** Resolves once subscribed; rejects if the first subscription fails. */
  readonly ready: Promise<void>;
  readonly channel: string;
  readonly #handlers: StalwartHandlers;
  readonly #ignore: ReadonlySet<number>;
  readonly #sub: Redis | Cluster;
  readonly #stats = { batches: 0, events: 0, invalid: 0, skipped: 0, handlerErrors: 0, gaps: 0 };
  #closing = false;

  /** @internal Use {@link followStalwart}. */
  constructor(options: StalwartFollowerOptions) {
    this.channel = options.channel ?? DEFAULTS.channel;
    this.#handlers = options.handlers;
    this.#ignore = new Set(options.ignoreNodeIds ?? []);
    const client = options.client;
    // Both kinds duplicate themselves, with signatures TypeScript cannot unite.
    this.#sub = client.isCluster ? (client as Cluster).duplicate() : (client as Redis).duplicate();
    this.ready = this.#subscribe();
    // A caller that never awaits `ready` still hears of a failure through `error`.
    this.ready.catch((e: unknown) => this.#emitError(e));
  }

  #emitError(e: unknown): void {
    if (this.events.listenerCount('error') > 0) this.events.emit('error', e instanceof Error ? e : new Error(String(e)));
  }

  async #subscribe(): Promise<void> {
    const sub = this.#sub;
    let downSince: number | undefined;
    let subscribed = false;
    sub.on('error', (e: Error) => this.#emitError(e));
    sub.on('close', () => {
      if (subscribed && !this.#closing) downSince ??= Date.now();
    });
    sub.on('ready', () => {
      if (downSince === undefined) return;
      this.#stats.gaps++;
      this.events.emit('gap', {
        kind: 'disconnect',
        // The follower does not snapshot the server as a coordis bus does, so it cannot tell a
        // failover or an output-buffer cut from any other closed connection.
        cause: 'connection-lost',
        inferred: false,
        from: downSince,
        to: Date.now(),
        reason: 'the subscription to the Stalwart broadcast was interrupted; batches published meanwhile are lost',
      });
      downSince = undefined;
    });
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (channel.toString() === this.channel) this.#receive(message);
    });
    await sub.subscribe(this.channel);
    subscribed = true;
    this.events.emit('ready');
  }

  #receive(message: Buffer): void {
    const receivedAtMs = Date.now();
    const decoded = decodeBroadcast(message);
    if (decoded.nodeId !== undefined && this.#ignore.has(decoded.nodeId)) {
      this.#stats.skipped++;
      return;
    }
    this.#stats.batches++;
    const nodeId = decoded.nodeId ?? 0;
    const events = decoded.events;
    for (let index = 0; index < events.length; index++) {
      this.#stats.events++;
      this.#deliver(events[index] as StalwartEvent, { nodeId, index, receivedAtMs });
    }
    if (decoded.problem) {
      this.#stats.invalid++;
      const sample = message.subarray(0, DEFAULTS.invalidSampleBytes).toString('hex');
      this.events.emit('invalid', {
        ...decoded.problem,
        ...(decoded.nodeId === undefined ? {} : { nodeId: decoded.nodeId }),
        delivered: decoded.events.length,
        size: message.length,
        sample,
      });
    }
  }

  #fail(error: unknown, event: StalwartEvent, meta: BroadcastMeta): void {
    this.#stats.handlerErrors++;
    this.events.emit('handlerError', { error, event, meta });
  }

  #call<E>(handler: BroadcastHandler<E> | undefined, value: E, event: StalwartEvent, meta: BroadcastMeta): void {
    if (!handler) return;
    try {
      const r = handler(value, meta);
      if (r instanceof Promise) r.catch((error: unknown) => this.#fail(error, event, meta));
    } catch (error) {
      this.#fail(error, event, meta);
    }
  }

  #deliver(event: StalwartEvent, meta: BroadcastMeta): void {
    const h = this.#handlers;
    // The mapped handler type pairs each type with its event; TypeScript cannot follow the pair
    // through an index, so the lookup is typed by hand.
    const own = h[event.type] as BroadcastHandler<StalwartEvent> | undefined;
    this.#call(own, event, event, meta);
    if (event.type === 'registryInsert' || event.type === 'registryDelete') {
      const change = event.type === 'registryInsert' ? 'insert' : 'delete';
      if (event.object === 'BlockedIp') this.#call(h.blockedIp, { change, id: event.id }, event, meta);
      if (event.object === 'Certificate') this.#call(h.certificate, { change, id: event.id }, event, meta);
    } else if (event.type === 'registryReload' && event.object === 'Certificate') {
      this.#call(h.certificate, { change: 'reload' }, event, meta);
    }
    this.#call(h.event, event, event, meta);
  }

  /** Counters since the follower started. */
  stats(): FollowerStats {
    return { ...this.#stats };
  }

  /** Unsubscribes and closes the follower's own connection (the client passed in stays open). */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await this.#sub.unsubscribe().catch(() => {});
    this.#sub.disconnect();
  }
}

/**
 * Follows a Stalwart cluster's broadcast (`stwt.agora`): subscribes on its own connection,
 * decodes each batch and hands every event to the typed handlers, in order. A message that is
 * not a valid batch — an unknown tag, a truncated event — is reported as `invalid` after the
 * events before the bad byte were delivered; nothing a publisher sends can make it throw.
 * Await `follower.ready` before relying on events.
 */
export function followStalwart(options: StalwartFollowerOptions): StalwartFollower {
  return new StalwartFollower(options);
}
