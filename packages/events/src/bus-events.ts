import type { InvalidReason } from './envelope.js';
import type { OverflowPolicy } from './handler-queue.js';

/** The kinds of loss a bus reports. */
export type GapKind = 'disconnect' | 'trimmed' | 'rollback' | 'overflow';

/**
 * Why a transient subscription ended, as far as the bus can tell:
 * - `output-buffer-limit`: Redis closed a subscriber that fell behind (`client-output-buffer-limit pubsub`);
 * - `client-eviction`: Redis evicted the connection under `maxmemory-clients`;
 * - `server-changed`: the subscription came back on another server (a failover) or a restarted one;
 * - `connection-lost`: the connection closed and nothing says why (CLIENT KILL, a network fault, a proxy).
 */
export type DisconnectCause = 'output-buffer-limit' | 'client-eviction' | 'server-changed' | 'connection-lost';

interface GapBase {
  /** Start and end of the gap, Unix ms (for stream kinds: the server times in the ids that bound it). */
  readonly from: number;
  readonly to: number;
  /** How many events were lost, when it can be counted. */
  readonly approxCount?: number;
  /** What happened, for the log. */
  readonly reason: string;
}

/** Transient mode: the subscription was interrupted; events published meanwhile are lost. */
export interface DisconnectGap extends GapBase {
  readonly kind: 'disconnect';
  readonly cause: DisconnectCause;
  /** True when the cause is inferred by the bus rather than reported by Redis (see the README). */
  readonly inferred: boolean;
}

/** The handler queue was full and dropped events; `approxCount` is the exact number dropped. */
export interface OverflowGap extends GapBase {
  readonly kind: 'overflow';
  readonly approxCount: number;
  readonly policy: OverflowPolicy;
}

/** Durable mode: retention trimmed events this node had not read; their ids lie strictly between `afterId` and `beforeId`. */
export interface TrimmedGap extends GapBase {
  readonly kind: 'trimmed';
  readonly afterId: string;
  readonly beforeId: string;
}

/**
 * Durable mode: the stream lost entries this node had already handled (a failover to a replica
 * that lacked them): the ids after `afterId` up to `beforeId` (exclusive) are gone from the
 * stream, and the node resumed after `afterId`, so no event added since is skipped.
 * `approxCount` counts the handled events the stream lost, when known.
 */
export interface RollbackGap extends GapBase {
  readonly kind: 'rollback';
  readonly afterId: string;
  readonly beforeId: string;
}

/** A stretch of events a node did not receive, or that the stream lost: never silent. */
export type Gap = DisconnectGap | OverflowGap | TrimmedGap | RollbackGap;

/** A message that was dropped because it could not be an event of this bus. */
export interface InvalidEvent {
  readonly reason: InvalidReason;
  readonly detail: string;
  /** The event type, when the envelope could be read. */
  readonly type?: string;
  /** The first bytes of the raw message, for the log. */
  readonly sample: string;
}

/** Per-node counters and gauges (`bus.stats()`, and the periodic `stats` event). */
export interface BusStats {
  readonly published: number;
  readonly received: number;
  readonly handled: number;
  readonly duplicates: number;
  readonly invalid: number;
  readonly handlerErrors: number;
  readonly gaps: number;
  /** Gaps reported, by kind. */
  readonly gapsByKind: Readonly<Record<GapKind, number>>;
  /** Events lost according to the gaps that could count them. */
  readonly lost: number;
  /** Events waiting for a handler (transient mode). */
  readonly queued: number;
  /**
   * Events published but not handled yet by this node. Durable: entries in the stream after
   * this node's position, from the stream's counters at the last read (`undefined` while the
   * position cannot be counted); transient: events waiting in the handler queue.
   */
  readonly lagEvents: number | undefined;
  /**
   * How long the oldest event not yet handled has waited, ms (0 when none waits). Durable: from
   * the server time in its stream id; transient: from the publisher's `ts`. Clock skew between
   * hosts shows up here.
   */
  readonly lagMs: number;
  /** Durable: blocking reads abandoned by the watchdog and reissued. */
  readonly readTimeouts: number;
  /** Other live instances seen with this node's id. */
  readonly collisions: number;
}

/** Events of the bus itself (`bus.events`, eventemitter3). */
export interface BusEvents {
  /** Subscribed (and, in durable mode, caught up to where it resumed). */
  ready: [];
  gap: [gap: Gap];
  invalid: [invalid: InvalidEvent];
  /** A handler threw, or a write it queued on `ctx.tx` failed; the event is counted as handled and the others go on. */
  handlerError: [info: { readonly error: unknown; readonly type: string; readonly id: string }];
  /** Connection trouble (the bus keeps trying), a stalled read, a node-id collision. */
  error: [error: Error];
  /** Every `statsIntervalMs`. */
  stats: [stats: BusStats];
}
