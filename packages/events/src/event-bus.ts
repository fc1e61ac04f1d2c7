import { setTimeout as sleep } from 'node:timers/promises';
import { coalesceWrites, LuaScript, readLua } from '@coordis/client';
import { EventEmitter } from 'eventemitter3';
import type { Cluster } from 'ioredis';
import type { BusEvents, BusStats, Gap, GapKind, InvalidEvent } from './bus-events.js';
import type { EventBusOptions, ResolvedOptions } from './bus-options.js';
import { resolveOptions } from './bus-options.js';
import { ChannelSubscriber } from './channel-subscriber.js';
import { DedupeWindow } from './dedupe-window.js';
import { DEFAULTS } from './defaults.js';
import { asEnvelope, type Envelope, envelope as makeEnvelope } from './envelope.js';
import {
  BusClosedError,
  EventBusConfigError,
  EventTooLargeError,
  InvalidPayloadError,
  NodeIdCollisionError,
  UnknownEventTypeError,
} from './errors.js';
import { type BusKeys, busKeys } from './event-keys.js';
import { assertEventType, assertPattern, type Matching, matchPattern } from './event-pattern.js';
import { isFrame, unpackFrame } from './frame.js';
import { type HandlerContext, TRANSIENT_CONTEXT } from './handler-context.js';
import { HandlerQueue } from './handler-queue.js';
import { NodePresence } from './node-presence.js';
import { PublishBatch } from './publish-batch.js';
import { type EventMap, type PayloadIn, type PayloadOut, type Validation, validateNow } from './schema.js';
import { isRetryableAppendError, type StreamAppend, streamAppender } from './stream-append.js';
import { StreamReader } from './stream-reader.js';

/** A received event, as handlers see it: the envelope with its validated payload. */
export type EventOf<E extends EventMap, K extends keyof E & string> = K extends unknown ? Envelope<K, PayloadOut<E, K>> : never;

/** Per-publish options. */
export interface PublishOptions {
  /**
   * The event id, for a caller that publishes the same event again (an outbox, a retry of its
   * own): every node handles an id once within its dedupe window. Up to 128 characters, no
   * spaces. @default a new ULID
   */
  readonly id?: string;
}

type Handler = (event: Envelope, ctx: HandlerContext) => unknown;

interface Registration {
  readonly pattern: string;
  readonly handler: Handler;
}

const TRIM_AGE = new LuaScript('events_trim_age', readLua(import.meta.url, 'trim-age'), ['stream'], ['maxAgeMs']);

/**
 * A typed event bus over Redis for the nodes of a service. Transient mode rides pub/sub (at
 * most once, every interruption reported as a `gap`); durable mode rides a Redis Stream with
 * bounded retention, and each node replays what it missed after a disconnect, a restart or a
 * failover, in order, each event once — and reports what retention or a failover took.
 */
export class EventBus<E extends EventMap> {
  /** Gaps, invalid messages, handler errors, connection errors, periodic stats. */
  readonly events = new EventEmitter<BusEvents>();
  readonly nodeId: string;
  readonly namespace: string;
  readonly mode: 'transient' | 'durable';
  readonly #o: EventBusOptions<E>;
  readonly #r: ResolvedOptions;
  readonly #keys: BusKeys;
  readonly #types: readonly string[];
  readonly #handlers: Registration[] = [];
  readonly #dedupe: DedupeWindow;
  readonly #queue: HandlerQueue<Envelope>;
  readonly #stats = { published: 0, received: 0, handled: 0, duplicates: 0, invalid: 0, handlerErrors: 0, gaps: 0, lost: 0 };
  readonly #gapsByKind: Record<GapKind, number> = { disconnect: 0, trimmed: 0, rollback: 0, overflow: 0 };
  readonly #presence: NodePresence;
  #subscriber: ChannelSubscriber | undefined;
  #reader: StreamReader | undefined;
  #started: Promise<void> | undefined;
  #closing = false;
  #append: StreamAppend | undefined;
  /** Transient publishes of one tick, sent as one frame (undefined: one message per event). */
  readonly #batch: PublishBatch | undefined;
  #lastAgeTrim = 0;
  #statsTimer: NodeJS.Timeout | undefined;
  /** Drops of the handler queue not reported yet: one `overflow` gap per burst, not per event. */
  #overflow: { from: number; to: number; count: number } | undefined;

  constructor(o: EventBusOptions<E>) {
    if (!o.nodeId || /\s/.test(o.nodeId) || o.nodeId.length > 200)
      throw new EventBusConfigError(
        'nodeId must be a non-empty string of at most 200 characters without spaces, unique among the nodes of the bus.',
      );
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(o.namespace))
      throw new EventBusConfigError(`namespace "${o.namespace}" must be 1–100 letters, digits, '.', '_' or '-'.`);
    this.#types = Object.keys(o.events);
    if (this.#types.length === 0) throw new EventBusConfigError('the events map is empty: declare at least one event type.');
    for (const t of this.#types) assertEventType(t);
    this.#o = o;
    this.#r = resolveOptions(o);
    this.nodeId = o.nodeId;
    this.namespace = o.namespace;
    this.mode = this.#r.mode;
    this.#keys = busKeys(o.keyspace, o.namespace, o.nodeId);
    this.#dedupe = new DedupeWindow(this.#r.dedupeWindow);
    this.#queue = new HandlerQueue<Envelope>(
      (e) => this.#dispatch(e, TRANSIENT_CONTEXT),
      this.#r.concurrency,
      this.#r.maxQueue,
      this.#r.overflow,
      (dropped) => this.#dropped(dropped),
    );
    if (this.mode === 'transient' && this.#r.batchPublishes) {
      this.#batch = new PublishBatch((message) => this.#sendToChannel(message), {
        maxEvents: DEFAULTS.frameMaxEvents,
        maxBytes: Math.min(DEFAULTS.frameMaxBytes, this.#r.maxEventBytes),
      });
    }
    this.#presence = new NodePresence(o.client, this.#keys.presence, this.#r.heartbeatMs, DEFAULTS.presenceBeats, {
      collision: (other) => this.events.emit('error', new NodeIdCollisionError(this.nodeId, this.namespace, other)),
      error: (e) => this.events.emit('error', e),
    });
  }

  /** The keys (durable) and channel (transient) this bus uses. */
  get keys(): BusKeys {
    return this.#keys;
  }

  /**
   * Registers a handler for one event type or a pattern (`mailbox.*`: one segment, `mailbox.**`:
   * any). Register before `start()`: a durable bus consumes events as it reads them. The handler
   * gets the event and a context (`ctx.tx` for writes committed with the checkpoint, durable
   * mode). Returns the function that removes the handler.
   */
  on<P extends (keyof E & string) | '*' | '**' | `${string}.*` | `${string}.**`>(
    pattern: P,
    handler: (event: EventOf<E, Matching<keyof E & string, P>>, ctx: HandlerContext) => unknown,
  ): () => void {
    assertPattern(pattern);
    if (!this.#types.some((t) => matchPattern(pattern, t))) {
      throw new EventBusConfigError(`pattern "${pattern}" matches no declared event type (${this.#types.join(', ')}).`);
    }
    const reg: Registration = { pattern, handler: handler as Handler };
    this.#handlers.push(reg);
    return () => {
      const i = this.#handlers.indexOf(reg);
      if (i >= 0) this.#handlers.splice(i, 1);
    };
  }

  /** Validates, wraps and publishes an event; resolves with its envelope once Redis took it. */
  async publish<K extends keyof E & string>(
    type: K,
    payload: PayloadIn<E, K>,
    options: PublishOptions = {},
  ): Promise<Envelope<K, PayloadOut<E, K>>> {
    if (this.#closing) throw new BusClosedError();
    const schema = this.#o.events[type];
    if (!schema) throw new UnknownEventTypeError(type, this.#types);
    if (options.id !== undefined && (!options.id || options.id.length > 128 || /\s/.test(options.id))) {
      throw new EventBusConfigError(`publish({ id }) must be 1–128 characters without spaces (got "${options.id.slice(0, 40)}").`);
    }
    // Synchronous validators (most) give a synchronous answer: no promise per publish for them.
    const pending = validateNow(schema, payload);
    const checked = pending instanceof Promise ? await pending : pending;
    if (!checked.ok) throw new InvalidPayloadError(type, checked.issues);
    const made = makeEnvelope(type, this.nodeId, checked.value as PayloadOut<E, K>);
    const env = options.id === undefined ? made : { ...made, id: options.id };
    const data = this.#r.codec.encode(env);
    // n characters are at most 3n UTF-8 bytes: most events need no byte count.
    const max = this.#r.maxEventBytes;
    if (typeof data === 'string' ? data.length * 3 > max && Buffer.byteLength(data) > max : data.length > max)
      throw new EventTooLargeError(type, typeof data === 'string' ? Buffer.byteLength(data) : data.length, max);
    if (this.#batch) await this.#batch.add(data, data.length);
    else if (this.mode === 'transient') await this.#sendToChannel(data);
    else {
      // Publishes issued in one tick leave in a few socket writes instead of one each.
      coalesceWrites(this.#o.client);
      await this.#appendWithRetry(data);
    }
    this.#stats.published++;
    return env;
  }

  /** One pub/sub message (an envelope or a frame) to the bus's channel. */
  #sendToChannel(message: string | Buffer): Promise<unknown> {
    const client = this.#o.client;
    // Messages sent in one tick leave in a few socket writes instead of one each.
    coalesceWrites(client);
    // Sharded pub/sub on a Cluster: the message goes to the master of the channel's slot only,
    // where the subscribers are, instead of being broadcast over the whole cluster bus.
    return client.isCluster ? (client as Cluster).spublish(this.#keys.channel, message) : client.publish(this.#keys.channel, message);
  }

  /** XADD with length retention; a write whose outcome is unknown is sent again (receivers dedupe by id). */
  async #appendWithRetry(data: string | Buffer): Promise<void> {
    const { maxLen, publishReplicas: replicas, publishReplicasTimeoutMs: replicasTimeoutMs } = this.#r.durable;
    this.#append ??= streamAppender(this.#o.client, { stream: this.#keys.stream, maxLen, replicas, replicasTimeoutMs });
    this.#trimByAge();
    const deadline = Date.now() + DEFAULTS.publishDeadlineMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#append(data);
        return;
      } catch (e) {
        const retryable = isRetryableAppendError(e, this.#o.client.isCluster);
        if (!retryable || Date.now() > deadline || this.#closing) throw e;
        await sleep(Math.min(20 * 2 ** attempt, 500));
      }
    }
  }

  /** Age retention on the server's clock, at most once per interval: retention is coarse, publishes are many. */
  #trimByAge(): void {
    const maxAgeMs = this.#r.durable.maxAgeMs;
    const now = Date.now();
    if (maxAgeMs === 0 || now - this.#lastAgeTrim < DEFAULTS.ageTrimIntervalMs) return;
    this.#lastAgeTrim = now;
    TRIM_AGE.run(this.#o.client, { stream: this.#keys.stream }, { maxAgeMs }).catch((e: Error) => this.events.emit('error', e));
  }

  /**
   * Subscribes (transient) or starts reading from this node's checkpoint (durable). Resolves
   * once the subscription is live; the `ready` event says the same.
   */
  start(): Promise<void> {
    if (this.#closing) return Promise.reject(new BusClosedError());
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    await this.#presence.start();
    if (this.mode === 'transient') {
      this.#subscriber = new ChannelSubscriber(
        this.#o.client,
        this.#keys.channel,
        { stallThresholdMs: DEFAULTS.stallThresholdMs, stallWindowMs: DEFAULTS.stallWindowMs },
        { receive: (raw) => this.#receive(raw), gap: (g) => this.#gap(g), error: (e) => this.events.emit('error', e) },
      );
      await this.#subscriber.start();
    } else {
      const d = this.#r.durable;
      this.#reader = new StreamReader(
        this.#o.client,
        {
          nodeId: this.nodeId,
          namespace: this.namespace,
          keys: this.#keys,
          readCount: d.readCount,
          blockMs: d.blockMs,
          readTimeoutMs: d.readTimeoutMs,
          commitIntervalMs: d.commitIntervalMs,
          startFrom: d.startFrom,
          scanPage: DEFAULTS.scanPage,
          dedupeWindow: this.#r.dedupeWindow,
          instance: this.#presence.instance,
        },
        this.#dedupe,
        {
          accept: (raw, read) => this.#accept(raw, read),
          dispatch: (env, ctx) => this.#dispatch(env, ctx),
          peekId: (raw) => this.#peekId(raw),
          handlerError: (error, env) => this.#handlerError(error, env),
          gap: (g) => this.#gap(g),
          error: (e) => this.events.emit('error', e),
        },
      );
      await this.#reader.start();
    }
    if (this.#r.statsIntervalMs > 0) {
      this.#statsTimer = setInterval(() => void this.#tick(), this.#r.statsIntervalMs);
      this.#statsTimer.unref();
    }
    this.events.emit('ready');
  }

  #receive(raw: Buffer): void {
    if (!isFrame(raw)) {
      this.#receiveOne(raw);
      return;
    }
    const parts = unpackFrame(raw);
    if (typeof parts === 'string') {
      this.#stats.received++;
      this.#invalid({ reason: 'decode', detail: parts, sample: raw.subarray(0, 80).toString() });
      return;
    }
    for (const part of parts) this.#receiveOne(part);
  }

  #receiveOne(raw: Buffer): void {
    const accepted = this.#accept(raw);
    if (accepted instanceof Promise) {
      accepted.then(
        (env) => {
          if (env) this.#queue.push(env);
        },
        (e: unknown) => this.events.emit('error', e as Error),
      );
    } else if (accepted) {
      this.#queue.push(accepted);
    }
  }

  /** The event id of raw bytes, without validating them (a durable node rebuilding its dedupe window). */
  #peekId(raw: Buffer): string | undefined {
    try {
      const id = (this.#r.codec.decode(raw) as { id?: unknown } | null)?.id;
      return typeof id === 'string' ? id : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Decode, check, dedupe and validate a raw message; undefined when it is dropped. Stays
   * synchronous unless the schema validates asynchronously.
   */
  #accept(raw: Buffer, read = -1): Envelope | undefined | Promise<Envelope | undefined> {
    this.#stats.received++;
    if (raw.length > this.#r.maxEventBytes)
      return this.#invalid({ reason: 'too-large', detail: `${raw.length} bytes`, sample: raw.subarray(0, 80).toString() });
    let decoded: unknown;
    try {
      decoded = this.#r.codec.decode(raw);
    } catch (e) {
      return this.#invalid({ reason: 'decode', detail: (e as Error).message, sample: raw.subarray(0, 80).toString() });
    }
    const checked = asEnvelope(decoded);
    if (!checked.ok) return this.#invalid({ reason: checked.reason, detail: checked.detail, sample: raw.subarray(0, 80).toString() });
    const env = checked.envelope;
    if (env.origin === this.nodeId && !this.#r.echo) {
      // Own events still mark the window, so a durable node that replays them knows them.
      this.#dedupe.admit(env.id, read);
      return undefined;
    }
    const schema = this.#o.events[env.type];
    if (!schema)
      return this.#invalid({
        reason: 'unknown-type',
        detail: `no schema for "${env.type}"`,
        type: env.type,
        sample: raw.subarray(0, 80).toString(),
      });
    if (!this.#dedupe.admit(env.id, read)) {
      this.#stats.duplicates++;
      return undefined;
    }
    const result = validateNow(schema, env.payload);
    return result instanceof Promise ? result.then((r) => this.#validated(env, r, raw)) : this.#validated(env, result, raw);
  }

  #validated(env: Envelope, result: Validation, raw: Buffer): Envelope | undefined {
    if (!result.ok)
      return this.#invalid({ reason: 'schema', detail: result.issues.join('; '), type: env.type, sample: raw.subarray(0, 80).toString() });
    return result.value === env.payload ? env : { ...env, payload: result.value };
  }

  #invalid(invalid: InvalidEvent): undefined {
    this.#stats.invalid++;
    this.events.emit('invalid', invalid);
    return undefined;
  }

  #gap(gap: Gap): void {
    this.#stats.gaps++;
    this.#gapsByKind[gap.kind]++;
    if (gap.approxCount !== undefined) this.#stats.lost += gap.approxCount;
    this.events.emit('gap', gap);
  }

  #dropped(dropped: Envelope[]): void {
    const now = Date.now();
    const from = dropped[0]?.ts ?? now;
    const to = dropped.at(-1)?.ts ?? now;
    if (this.#overflow) {
      this.#overflow.to = to;
      this.#overflow.count += dropped.length;
      return;
    }
    this.#overflow = { from, to, count: dropped.length };
    // Drops of one burst (one socket read) become one gap.
    setImmediate(() => {
      const o = this.#overflow;
      this.#overflow = undefined;
      if (!o) return;
      this.#gap({
        kind: 'overflow',
        from: o.from,
        to: o.to,
        approxCount: o.count,
        policy: this.#r.overflow,
        reason: `the handler queue was full (maxQueue ${this.#r.maxQueue}): ${o.count} events dropped (${this.#r.overflow})`,
      });
    });
  }

  /** Runs every matching handler in registration order; synchronous handlers cost no promise. */
  #dispatch(env: Envelope, ctx: HandlerContext, from = 0): void | Promise<void> {
    const handlers = this.#handlers;
    for (let i = from; i < handlers.length; i++) {
      const { pattern, handler } = handlers[i] as Registration;
      if (pattern !== env.type && !matchPattern(pattern, env.type)) continue;
      let result: unknown;
      try {
        result = handler(env, ctx);
      } catch (error) {
        this.#handlerError(error, env);
        continue;
      }
      if (result instanceof Promise) {
        return result.then(
          () => this.#dispatch(env, ctx, i + 1),
          (error: unknown) => {
            this.#handlerError(error, env);
            return this.#dispatch(env, ctx, i + 1);
          },
        );
      }
    }
    this.#stats.handled++;
  }

  #handlerError(error: unknown, env: { readonly type: string; readonly id: string }): void {
    this.#stats.handlerErrors++;
    this.events.emit('handlerError', { error, type: env.type, id: env.id });
  }

  async #tick(): Promise<void> {
    await this.#reader?.refresh().catch((e: Error) => this.events.emit('error', e));
    if (!this.#closing) this.events.emit('stats', this.stats());
  }

  /** Counters and gauges for this node (durable lag as of the last read or `stats` tick). */
  stats(): BusStats {
    const reader = this.#reader;
    const oldest = this.#queue.oldest;
    return {
      ...this.#stats,
      gapsByKind: { ...this.#gapsByKind },
      queued: this.#queue.depth,
      lagEvents: reader ? reader.lagEvents : this.#queue.depth,
      lagMs: reader ? reader.lagMs : oldest ? Math.max(0, Date.now() - oldest.ts) : 0,
      readTimeouts: reader?.readTimeouts ?? 0,
      collisions: this.#presence.collisions,
    };
  }

  /**
   * Stops receiving, lets running and queued handlers finish, saves the checkpoint (durable)
   * and closes the bus's own connections. The client passed in stays open.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    await this.#started?.catch(() => {});
    await this.#subscriber?.close();
    await this.#queue.drain();
    await this.#reader?.close();
    await this.#presence.stop();
    this.events.removeAllListeners();
  }
}

/**
 * Creates a typed event bus. Types flow from `events`: `publish('mailbox.changed', payload)`
 * and `on('mailbox.changed', handler)` are checked by TypeScript, and payloads are validated
 * at runtime on both sides by the schemas given. Call `start()` after registering handlers.
 */
export function createEventBus<const E extends EventMap>(options: EventBusOptions<E>): EventBus<E> {
  return new EventBus(options);
}
