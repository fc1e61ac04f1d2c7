import { setTimeout as sleep } from 'node:timers/promises';
import { type CallOptions, coalesceWrites, isCoordisError, LuaScript, readLua } from '@coordis/client';
import type { Keyspace } from '@coordis/keyspace';
import { EventEmitter } from 'eventemitter3';
import type { Redis } from 'ioredis';
import type { BusEvents, BusStats, Gap, InvalidEvent } from './bus-events.js';
import { type EnvelopeCodec, jsonCodec } from './codec.js';
import { DedupeWindow } from './dedupe-window.js';
import { DEFAULTS } from './defaults.js';
import { asEnvelope, type Envelope, envelope as makeEnvelope } from './envelope.js';
import { BusClosedError, EventBusConfigError, EventTooLargeError, InvalidPayloadError, UnknownEventTypeError } from './errors.js';
import { type BusKeys, busKeys } from './event-keys.js';
import { assertEventType, assertPattern, type Matching, matchPattern } from './event-pattern.js';
import { HandlerQueue, type OverflowPolicy } from './handler-queue.js';
import { type EventMap, type PayloadIn, type PayloadOut, type Validation, validate, validateNow } from './schema.js';

/** Durable-mode settings. */
export interface DurableOptions {
  /** Keep about this many events. @default 100000 */
  readonly maxLen?: number;
  /** Drop events older than this (server clock). @default 24 h */
  readonly maxAgeMs?: number;
  /** Where a node with no checkpoint starts: only new events, or everything retained. @default 'latest' */
  readonly startFrom?: 'latest' | 'earliest';
  /**
   * Publish only once this many replicas have the event (WAIT), so a failover cannot lose an
   * acknowledged event. Needs a client from @coordis/client. @default 0
   */
  readonly publishReplicas?: number;
  /** How long WAIT may take per publish. @default 1000 */
  readonly publishReplicasTimeoutMs?: number;
  /** @default 500 */
  readonly readCount?: number;
  /** @default 1000 */
  readonly blockMs?: number;
}

/** Options of `createEventBus`. */
export interface EventBusOptions<E extends EventMap> {
  /**
   * The Redis client: a client from @coordis/client (recommended: it follows failovers) or any
   * ioredis `Redis`. The bus opens its own subscriber / reader from it with `duplicate()`.
   */
  readonly client: Redis;
  /** This node's id, unique in the cluster of services; events it publishes carry it. */
  readonly nodeId: string;
  /** The bus's name: nodes with the same name (and keyspace app) exchange events. */
  readonly namespace: string;
  /** Every event type mapped to its payload schema (any Standard Schema validator, or `type<T>()`). */
  readonly events: E;
  /** @default 'transient' */
  readonly mode?: 'transient' | 'durable';
  readonly durable?: DurableOptions;
  /** The keyspace the bus's keys come from. @default createKeyspace() (app 'coordis') */
  readonly keyspace?: Keyspace<'text'>;
  /** @default JSON */
  readonly codec?: EnvelopeCodec;
  /** Deliver this node's own events to its handlers too. @default false */
  readonly echo?: boolean;
  /** Handlers running at once (transient mode; durable mode handles events one at a time, in order). @default 1 */
  readonly concurrency?: number;
  /** Transient events waiting for a handler. @default 10000 */
  readonly maxQueue?: number;
  /** @default 'drop-oldest' */
  readonly overflow?: OverflowPolicy;
  /** @default 10000 */
  readonly dedupeWindow?: number;
  /** @default 1 MiB */
  readonly maxEventBytes?: number;
}

/** A received event, as handlers see it: the envelope with its validated payload. */
export type EventOf<E extends EventMap, K extends keyof E & string> = K extends unknown ? Envelope<K, PayloadOut<E, K>> : never;

type Handler = (event: Envelope) => unknown;

interface Registration {
  readonly pattern: string;
  readonly handler: Handler;
}

const PUBLISH = new LuaScript('events_publish', readLua(import.meta.url, 'publish'), ['stream'], ['data', 'maxLen', 'maxAgeMs']);

type OptionsView = Redis & { withOptions(opts: CallOptions): Redis };
const hasOptions = (c: Redis): c is OptionsView => typeof (c as unknown as { withOptions?: unknown }).withOptions === 'function';

/**
 * A typed event bus over Redis for the nodes of a service. Transient mode rides pub/sub (at
 * most once, every interruption reported as a `gap`); durable mode rides a Redis Stream with
 * bounded retention, and each node replays what it missed after a disconnect, a restart or a
 * failover, in order, each event once.
 */
export class EventBus<E extends EventMap> {
  /** Gaps, invalid messages, handler errors, connection errors. */
  readonly events = new EventEmitter<BusEvents>();
  readonly nodeId: string;
  readonly namespace: string;
  readonly mode: 'transient' | 'durable';
  readonly #o: EventBusOptions<E>;
  readonly #keys: BusKeys;
  readonly #codec: EnvelopeCodec;
  readonly #types: readonly string[];
  readonly #handlers: Registration[] = [];
  readonly #dedupe: DedupeWindow;
  readonly #queue: HandlerQueue<Envelope>;
  readonly #stats = { published: 0, received: 0, handled: 0, duplicates: 0, invalid: 0, handlerErrors: 0, gaps: 0 };
  #connection: Redis | undefined;
  #started: Promise<void> | undefined;
  #closing = false;
  #readLoop: Promise<void> | undefined;
  #lastId = '0-0';
  #publisher: Redis | undefined;

  constructor(o: EventBusOptions<E>) {
    if (!o.nodeId || /\s/.test(o.nodeId))
      throw new EventBusConfigError('nodeId must be a non-empty string without spaces, unique among the nodes of the bus.');
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(o.namespace))
      throw new EventBusConfigError(`namespace "${o.namespace}" must be 1–100 letters, digits, '.', '_' or '-'.`);
    this.#types = Object.keys(o.events);
    if (this.#types.length === 0) throw new EventBusConfigError('the events map is empty: declare at least one event type.');
    for (const t of this.#types) assertEventType(t);
    this.#o = o;
    this.nodeId = o.nodeId;
    this.namespace = o.namespace;
    this.mode = o.mode ?? DEFAULTS.mode;
    this.#keys = busKeys(o.keyspace, o.namespace);
    this.#codec = o.codec ?? jsonCodec;
    this.#dedupe = new DedupeWindow(o.dedupeWindow ?? DEFAULTS.dedupeWindow);
    this.#queue = new HandlerQueue<Envelope>(
      (e) => this.#dispatch(e),
      o.concurrency ?? DEFAULTS.concurrency,
      o.maxQueue ?? DEFAULTS.maxQueue,
      o.overflow ?? DEFAULTS.overflow,
      (dropped) =>
        this.#gap({ kind: 'overflow', from: dropped[0]?.ts ?? Date.now(), to: dropped.at(-1)?.ts ?? Date.now(), count: dropped.length }),
    );
  }

  /** The keys (durable) and channel (transient) this bus uses. */
  get keys(): BusKeys {
    return this.#keys;
  }

  /**
   * Registers a handler for one event type or a pattern (`mailbox.*`: one segment, `mailbox.**`:
   * any). Register before `start()`: a durable bus consumes events as it reads them. Returns the
   * function that removes the handler.
   */
  on<P extends (keyof E & string) | '*' | '**' | `${string}.*` | `${string}.**`>(
    pattern: P,
    handler: (event: EventOf<E, Matching<keyof E & string, P>>) => unknown,
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
  async publish<K extends keyof E & string>(type: K, payload: PayloadIn<E, K>): Promise<Envelope<K, PayloadOut<E, K>>> {
    if (this.#closing) throw new BusClosedError();
    const schema = this.#o.events[type];
    if (!schema) throw new UnknownEventTypeError(type, this.#types);
    const checked = await validate(schema, payload);
    if (!checked.ok) throw new InvalidPayloadError(type, checked.issues);
    const env = makeEnvelope(type, this.nodeId, checked.value as PayloadOut<E, K>);
    const data = this.#codec.encode(env);
    const limit = this.#o.maxEventBytes ?? DEFAULTS.maxEventBytes;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (bytes > limit) throw new EventTooLargeError(type, bytes, limit);
    if (this.mode === 'transient') {
      // Publishes issued in one tick leave in a few socket writes instead of one each.
      coalesceWrites(this.#o.client);
      await this.#o.client.publish(this.#keys.channel, data);
    } else {
      await this.#append(data);
    }
    this.#stats.published++;
    return env;
  }

  /** XADD with retention; a write whose outcome is unknown is sent again (receivers dedupe by id). */
  async #append(data: string | Buffer): Promise<void> {
    const d = this.#o.durable ?? {};
    this.#publisher ??= this.#publisherClient(d);
    const deadline = Date.now() + DEFAULTS.publishDeadlineMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await PUBLISH.run(
          this.#publisher,
          { stream: this.#keys.stream },
          { data, maxLen: d.maxLen ?? DEFAULTS.maxLen, maxAgeMs: d.maxAgeMs ?? DEFAULTS.maxAgeMs },
        );
        return;
      } catch (e) {
        const retryable = isCoordisError(e) && ['COORDIS_UNKNOWN_OUTCOME', 'COORDIS_UNAVAILABLE', 'COORDIS_NOT_DURABLE'].includes(e.code);
        if (!retryable || Date.now() > deadline || this.#closing) throw e;
        await sleep(Math.min(20 * 2 ** attempt, 500));
      }
    }
  }

  #publisherClient(d: DurableOptions): Redis {
    const client = this.#o.client;
    const replicas = d.publishReplicas ?? 0;
    if (replicas > 0 && !hasOptions(client)) {
      throw new EventBusConfigError(
        'durable.publishReplicas needs a client from @coordis/client (connect()); a plain ioredis client cannot confirm replicas per write.',
      );
    }
    if (!hasOptions(client)) return client;
    return client.withOptions({
      delivery: 'safe',
      durable: replicas > 0 ? { replicas, timeoutMs: d.publishReplicasTimeoutMs ?? 1000 } : false,
    });
  }

  /**
   * Subscribes (transient) or starts reading from this node's checkpoint (durable). Resolves
   * once the subscription is live; the `ready` event says the same.
   */
  start(): Promise<void> {
    if (this.#closing) return Promise.reject(new BusClosedError());
    this.#started ??= this.mode === 'transient' ? this.#subscribe() : this.#startReading();
    return this.#started;
  }

  async #subscribe(): Promise<void> {
    const sub = this.#o.client.duplicate();
    this.#connection = sub;
    let downSince: number | undefined;
    let connectedOnce = false;
    sub.on('error', (e: Error) => this.events.emit('error', e));
    sub.on('close', () => {
      if (connectedOnce && !this.#closing) downSince ??= Date.now();
    });
    sub.on('ready', () => {
      if (downSince !== undefined) {
        this.#gap({
          kind: 'disconnect',
          from: downSince,
          to: Date.now(),
          reason: 'the subscription was interrupted; events published meanwhile are lost',
        });
        downSince = undefined;
      }
      connectedOnce = true;
    });
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.#receive(message));
    await sub.subscribe(this.#keys.channel);
    connectedOnce = true;
    this.events.emit('ready');
  }

  async #startReading(): Promise<void> {
    const client = this.#o.client;
    const saved = await client.hget(this.#keys.checkpoints, this.nodeId);
    if (saved) {
      this.#lastId = saved;
    } else if ((this.#o.durable?.startFrom ?? DEFAULTS.startFrom) === 'latest') {
      const last = (await client.xrevrange(this.#keys.stream, '+', '-', 'COUNT', 1))[0];
      this.#lastId = last ? last[0] : '0-0';
      await client.hset(this.#keys.checkpoints, this.nodeId, this.#lastId);
    }
    const reader = client.duplicate();
    reader.on('error', (e: Error) => this.events.emit('error', e));
    this.#connection = reader;
    this.#readLoop = this.#read(reader);
    this.events.emit('ready');
  }

  async #read(reader: Redis): Promise<void> {
    const d = this.#o.durable ?? {};
    const count = d.readCount ?? DEFAULTS.readCount;
    const block = d.blockMs ?? DEFAULTS.blockMs;
    // A blocked read must never be replayed by the client on another connection: the loop
    // issues the next one itself, from the checkpoint it holds.
    const view = hasOptions(reader) ? reader.withOptions({ delivery: 'never' }) : reader;
    for (let failures = 0; !this.#closing; ) {
      let reply: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        reply = (await view.xreadBuffer('COUNT', count, 'BLOCK', block, 'STREAMS', this.#keys.stream, this.#lastId)) as typeof reply;
        failures = 0;
      } catch (e) {
        if (this.#closing) break;
        this.events.emit('error', e as Error);
        await sleep(Math.min(50 * 2 ** failures++, 2000));
        continue;
      }
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          const i = fields.findIndex((f) => f.toString() === 'e');
          const raw = i >= 0 ? fields[i + 1] : undefined;
          const env = raw ? await this.#accept(raw) : undefined;
          if (env) await this.#dispatch(env);
          this.#lastId = id.toString();
        }
        await this.#o.client.hset(this.#keys.checkpoints, this.nodeId, this.#lastId).catch((e: Error) => this.events.emit('error', e));
      }
    }
  }

  #receive(raw: Buffer): void {
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

  /**
   * Decode, check, dedupe and validate a raw message; undefined when it is dropped. Stays
   * synchronous unless the schema validates asynchronously.
   */
  #accept(raw: Buffer): Envelope | undefined | Promise<Envelope | undefined> {
    this.#stats.received++;
    const limit = this.#o.maxEventBytes ?? DEFAULTS.maxEventBytes;
    if (raw.length > limit)
      return this.#invalid({ reason: 'too-large', detail: `${raw.length} bytes`, sample: raw.subarray(0, 80).toString() });
    let decoded: unknown;
    try {
      decoded = this.#codec.decode(raw);
    } catch (e) {
      return this.#invalid({ reason: 'decode', detail: (e as Error).message, sample: raw.subarray(0, 80).toString() });
    }
    const checked = asEnvelope(decoded);
    if (!checked.ok) return this.#invalid({ reason: checked.reason, detail: checked.detail, sample: raw.subarray(0, 80).toString() });
    const env = checked.envelope;
    if (env.origin === this.nodeId && !this.#o.echo) return undefined;
    const schema = this.#o.events[env.type];
    if (!schema)
      return this.#invalid({
        reason: 'unknown-type',
        detail: `no schema for "${env.type}"`,
        type: env.type,
        sample: raw.subarray(0, 80).toString(),
      });
    if (!this.#dedupe.admit(env.id)) {
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
    this.events.emit('gap', gap);
  }

  /** Runs every matching handler in registration order; synchronous handlers cost no promise. */
  #dispatch(env: Envelope, from = 0): void | Promise<void> {
    const handlers = this.#handlers;
    for (let i = from; i < handlers.length; i++) {
      const { pattern, handler } = handlers[i] as Registration;
      if (pattern !== env.type && !matchPattern(pattern, env.type)) continue;
      let result: unknown;
      try {
        result = handler(env);
      } catch (error) {
        this.#handlerError(error, env);
        continue;
      }
      if (result instanceof Promise) {
        return result.then(
          () => this.#dispatch(env, i + 1),
          (error: unknown) => {
            this.#handlerError(error, env);
            return this.#dispatch(env, i + 1);
          },
        );
      }
    }
    this.#stats.handled++;
  }

  #handlerError(error: unknown, env: Envelope): void {
    this.#stats.handlerErrors++;
    this.events.emit('handlerError', { error, type: env.type, id: env.id });
  }

  /** Counters for this node. */
  stats(): BusStats {
    return { ...this.#stats, queued: this.#queue.depth };
  }

  /**
   * Stops receiving, lets running and queued handlers finish, saves the checkpoint (durable)
   * and closes the bus's own connections. The client passed in stays open.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const conn = this.#connection;
    if (this.mode === 'transient') {
      await conn?.unsubscribe().catch(() => {});
      await this.#queue.drain();
    } else {
      // Unblock the pending read at once rather than waiting out BLOCK.
      conn?.disconnect();
      await this.#readLoop;
      await this.#o.client.hset(this.#keys.checkpoints, this.nodeId, this.#lastId).catch(() => {});
    }
    conn?.disconnect();
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
