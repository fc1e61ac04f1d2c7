import type { InvalidReason } from './envelope.js';

/** A stretch of time or of events a node did not receive. */
export interface Gap {
  /**
   * `disconnect`: the transient subscription was interrupted (events published meanwhile are
   * lost); `overflow`: the handler queue was full and dropped events under the overflow policy.
   */
  readonly kind: 'disconnect' | 'overflow';
  /** Start and end of the gap, Unix ms. */
  readonly from: number;
  readonly to: number;
  /** How many events were lost, when known (overflow). */
  readonly count?: number;
  readonly reason?: string;
}

/** A message that was dropped because it could not be an event of this bus. */
export interface InvalidEvent {
  readonly reason: InvalidReason;
  readonly detail: string;
  /** The event type, when the envelope could be read. */
  readonly type?: string;
  /** The first bytes of the raw message, for the log. */
  readonly sample: string;
}

/** Per-node counters. */
export interface BusStats {
  readonly published: number;
  readonly received: number;
  readonly handled: number;
  readonly duplicates: number;
  readonly invalid: number;
  readonly handlerErrors: number;
  readonly gaps: number;
  /** Events waiting for a handler. */
  readonly queued: number;
}

/** Events of the bus itself (`bus.events`, eventemitter3). */
export interface BusEvents {
  /** Subscribed (and, in durable mode, caught up to where it resumed). */
  ready: [];
  gap: [gap: Gap];
  invalid: [invalid: InvalidEvent];
  /** A handler threw; the event is counted as handled and the others go on. */
  handlerError: [info: { readonly error: unknown; readonly type: string; readonly id: string }];
  /** Connection trouble; the bus keeps trying. */
  error: [error: Error];
}
