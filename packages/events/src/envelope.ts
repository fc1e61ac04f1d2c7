import { MonotonicUlid } from './event-id.js';

/** The envelope format version; a receiver rejects others as `invalid` (reason `version`). */
export const ENVELOPE_VERSION = 1;

/** An event as it travels: what happened, where and when, and the payload. */
export interface Envelope<T extends string = string, P = unknown> {
  /** Envelope format version. */
  readonly v: number;
  /** Unique and sortable (ULID): receivers drop a second delivery of the same id. */
  readonly id: string;
  readonly type: T;
  /** The node id of the publisher. */
  readonly origin: string;
  /** Publish time, Unix ms (the publisher's clock: for display and lag, not for ordering). */
  readonly ts: number;
  readonly payload: P;
}

const ids = new MonotonicUlid();

/** A new envelope for a payload; ids grow monotonically within the process. */
export function envelope<T extends string, P>(type: T, origin: string, payload: P, now = Date.now()): Envelope<T, P> {
  return { v: ENVELOPE_VERSION, id: ids.next(now), type, origin, ts: now, payload };
}

/** Why a received message was dropped. */
export type InvalidReason = 'decode' | 'version' | 'shape' | 'unknown-type' | 'schema' | 'too-large';

/** Checks a decoded value is an envelope of a version this bus reads. */
export function asEnvelope(value: unknown): { ok: true; envelope: Envelope } | { ok: false; reason: InvalidReason; detail: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'shape', detail: 'not an object' };
  const e = value as Record<string, unknown>;
  if (e.v !== ENVELOPE_VERSION)
    return { ok: false, reason: 'version', detail: `envelope version ${String(e.v)}, this bus reads ${ENVELOPE_VERSION}` };
  if (
    typeof e.id !== 'string' ||
    typeof e.type !== 'string' ||
    typeof e.origin !== 'string' ||
    typeof e.ts !== 'number' ||
    !('payload' in e)
  ) {
    return { ok: false, reason: 'shape', detail: 'missing or mistyped id, type, origin, ts or payload' };
  }
  return { ok: true, envelope: e as unknown as Envelope };
}
