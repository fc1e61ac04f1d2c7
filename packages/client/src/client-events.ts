import type { PrimarySwitch } from './sentinel-watch.js';

/** A move to a new primary, reported once the client writes to it. */
export interface FailoverEvent {
  /** The node the client was on (`host:port`), if it was on one. */
  readonly from: string | undefined;
  /** The node it is on now. */
  readonly to: string;
  /** Sentinel's config-epoch of the new primary (Sentinel only). */
  readonly epoch: number | undefined;
  /** What revealed the move first. */
  readonly detectedBy: PrimarySwitch['detectedBy'] | 'readonly';
  /** From detection to a verified connection to the new primary (ready). */
  readonly msToSwitch: number;
  /** From detection to the first command answered by the new primary; undefined when none came within 1 s. */
  readonly msToFirstWrite: number | undefined;
  /** Commands in flight on the old connection that were rejected with UnknownOutcomeError. */
  readonly inFlightRejected: number;
  /** Commands in flight on the old connection that were sent again (reads, or delivery 'always'). */
  readonly resent: number;
}

/** Events of a coordis client (`client.events`, an eventemitter3 emitter). */
export interface ClientEvents {
  /** Connected and verified (role checked, dataset loaded). */
  ready: [info: { readonly address: string }];
  /** The connection closed; a new attempt follows after `delayMs`. */
  reconnecting: [info: { readonly delayMs: number }];
  failover: [event: FailoverEvent];
  /** A command refused with READONLY by a demoted primary was answered by the new one. */
  readonlyRecovered: [info: { readonly command: string; readonly address: string }];
  /**
   * The link to the primary answered no PING within heartbeatTimeoutMs (a hung host, a dead
   * network): new commands are held back until it answers again or Sentinel names another
   * primary, which the client then moves to at once.
   */
  suspect: [info: { readonly address: string; readonly silentMs: number }];
  /** The suspected link answered again; held commands go out. */
  unsuspect: [info: { readonly address: string; readonly suspectMs: number }];
  /** A subscription to a sentinel's events came up, or went down (its own reason). */
  sentinelUp: [info: { readonly address: string }];
  sentinelDown: [info: { readonly address: string; readonly reason: string }];
  /** Fewer than sentinelQuorum sentinels agree on the primary (false), or enough do again (true). */
  quorum: [info: { readonly ok: boolean }];
  /** Something the client could not verify, with what to do about it. */
  warning: [info: { readonly code: string; readonly message: string }];
  /** Connection and discovery errors, already typed; the client keeps reconnecting. */
  error: [error: Error];
}
