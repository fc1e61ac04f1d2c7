import type { Keyspace } from '@coordis/keyspace';
import type { Cluster, Redis } from 'ioredis';
import type { EnvelopeCodec } from './codec.js';
import { jsonCodec } from './codec.js';
import { DEFAULTS } from './defaults.js';
import { EventBusConfigError } from './errors.js';
import type { OverflowPolicy } from './handler-queue.js';
import type { EventMap } from './schema.js';

/** Durable-mode settings. */
export interface DurableOptions {
  /** Keep about this many events (XADD MAXLEN ~). @default 100000 */
  readonly maxLen?: number;
  /** Drop events older than this (server clock; applied at most once a second per publisher). 0: no age limit. @default 24 h */
  readonly maxAgeMs?: number;
  /** Where a node with no checkpoint starts: only new events, or everything retained. @default 'latest' */
  readonly startFrom?: 'latest' | 'earliest';
  /**
   * Publish only once this many replicas have the event (WAIT), so a failover cannot lose an
   * acknowledged event. Needs a client from @coordis/client, or a Cluster (WAIT rides in the
   * XADD's pipeline to the master that took it). @default 0
   */
  readonly publishReplicas?: number;
  /** How long WAIT may take per publish. @default 1000 */
  readonly publishReplicasTimeoutMs?: number;
  /** Entries per XREAD, and so per commit. @default 500 */
  readonly readCount?: number;
  /** XREAD BLOCK, ms. @default 1000 */
  readonly blockMs?: number;
  /** How long past BLOCK a read may stay unanswered before the watchdog drops the connection and reads again, ms. @default 1000 */
  readonly readTimeoutMs?: number;
  /**
   * How long a node may hold its checkpoint back, ms: it is saved once this long has passed,
   * `readCount` events were handled or a read comes back empty — and after every batch whose
   * handlers queued `ctx.tx` writes. 0 saves after every batch. @default 100
   */
  readonly commitIntervalMs?: number;
}

/** Options of `createEventBus`. */
export interface EventBusOptions<E extends EventMap> {
  /**
   * The Redis client: a client from @coordis/client (recommended: it follows failovers) or any
   * ioredis `Redis` — or, for Redis Cluster, `connectCluster()`'s client or any ioredis
   * `Cluster`. The bus opens its own subscriber / reader from it: `duplicate()` on one
   * primary; on a Cluster, a connection to the master of the bus's slot (all its keys and its
   * channel share one hash tag), found again from the cluster's slot map after a failover.
   */
  readonly client: Redis | Cluster;
  /** This node's id, unique among the processes on the bus; events it publishes carry it. */
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
  /** What a full transient queue drops. @default 'drop-oldest' */
  readonly overflow?: OverflowPolicy;
  /** Event ids remembered per node; a second delivery of one of them is dropped. @default 10000 */
  readonly dedupeWindow?: number;
  /** @default 1 MiB */
  readonly maxEventBytes?: number;
  /**
   * Transient mode: the events this process publishes in one tick travel as one pub/sub
   * message (a frame, read by coordis nodes only), which multiplies throughput. Turn it off
   * when other programs subscribe to the bus's channel and expect one envelope per message.
   * @default true
   */
  readonly batchPublishes?: boolean;
  /** How often this node renews its presence (node-id collisions are seen within about two beats), ms. @default 1000 */
  readonly heartbeatMs?: number;
  /** How often the `stats` event fires, ms; 0 turns it off. @default 10000 */
  readonly statsIntervalMs?: number;
}

/** Options as the bus uses them: every default applied, every value checked once. */
export interface ResolvedOptions {
  readonly mode: 'transient' | 'durable';
  readonly codec: EnvelopeCodec;
  readonly echo: boolean;
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly overflow: OverflowPolicy;
  readonly dedupeWindow: number;
  readonly maxEventBytes: number;
  readonly batchPublishes: boolean;
  readonly heartbeatMs: number;
  readonly statsIntervalMs: number;
  readonly durable: Required<DurableOptions>;
}

function count(name: string, value: number | undefined, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new EventBusConfigError(`${name} must be an integer of at least ${min} (got ${v}).`);
  return v;
}

/** Applies the defaults and checks the values (at the boundary, once). */
export function resolveOptions<E extends EventMap>(o: EventBusOptions<E>): ResolvedOptions {
  const d = o.durable ?? {};
  const overflow = o.overflow ?? DEFAULTS.overflow;
  if (overflow !== 'drop-oldest' && overflow !== 'drop-newest') {
    throw new EventBusConfigError(`overflow must be 'drop-oldest' or 'drop-newest' (got ${String(overflow)}).`);
  }
  const startFrom = d.startFrom ?? DEFAULTS.startFrom;
  if (startFrom !== 'latest' && startFrom !== 'earliest') {
    throw new EventBusConfigError(`durable.startFrom must be 'latest' or 'earliest' (got ${String(startFrom)}).`);
  }
  return {
    mode: o.mode ?? DEFAULTS.mode,
    codec: o.codec ?? jsonCodec,
    echo: o.echo ?? false,
    concurrency: count('concurrency', o.concurrency, DEFAULTS.concurrency),
    maxQueue: count('maxQueue', o.maxQueue, DEFAULTS.maxQueue),
    overflow,
    dedupeWindow: count('dedupeWindow', o.dedupeWindow, DEFAULTS.dedupeWindow, 0),
    maxEventBytes: count('maxEventBytes', o.maxEventBytes, DEFAULTS.maxEventBytes),
    batchPublishes: o.batchPublishes ?? DEFAULTS.batchPublishes,
    heartbeatMs: count('heartbeatMs', o.heartbeatMs, DEFAULTS.heartbeatMs),
    statsIntervalMs: count('statsIntervalMs', o.statsIntervalMs, DEFAULTS.statsIntervalMs, 0),
    durable: {
      maxLen: count('durable.maxLen', d.maxLen, DEFAULTS.maxLen),
      maxAgeMs: count('durable.maxAgeMs', d.maxAgeMs, DEFAULTS.maxAgeMs, 0),
      startFrom,
      publishReplicas: count('durable.publishReplicas', d.publishReplicas, 0, 0),
      publishReplicasTimeoutMs: count('durable.publishReplicasTimeoutMs', d.publishReplicasTimeoutMs, 1000),
      readCount: count('durable.readCount', d.readCount, DEFAULTS.readCount),
      blockMs: count('durable.blockMs', d.blockMs, DEFAULTS.blockMs),
      readTimeoutMs: count('durable.readTimeoutMs', d.readTimeoutMs, DEFAULTS.readTimeoutMs),
      commitIntervalMs: count('durable.commitIntervalMs', d.commitIntervalMs, DEFAULTS.commitIntervalMs, 0),
    },
  };
}
