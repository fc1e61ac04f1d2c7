import { exists, hasFlag } from '@ioredis/commands';

/**
 * What happens to a command that was written to a connection which then died before the
 * reply came (a killed primary, a hung primary left behind at a failover):
 *
 * - `'safe'` (default): read-only commands are sent again on the new connection; anything
 *   that may write rejects with `UnknownOutcomeError`, so nothing is ever applied twice.
 * - `'always'`: everything is sent again: at-least-once (an INCR may be applied twice).
 * - `'never'`: nothing is sent again: at-most-once; every such command rejects with
 *   `UnknownOutcomeError`.
 *
 * Commands the server refused without applying them (READONLY, LOADING, BUSY, MASTERDOWN,
 * NOREPLICAS, TRYAGAIN) are always sent again, whatever the policy: they cannot be doubled.
 */
export type DeliveryPolicy = 'safe' | 'always' | 'never';

/** How coordis treats one error reply. */
export type ReplyErrorKind =
  /** A demoted primary or a replica: find the primary again, then resend. */
  | 'not-primary'
  /** The server cannot take commands right now: wait, then resend to the same server. */
  | 'not-now'
  /** Out of memory: surface with advice, never retry. */
  | 'oom'
  /** Anything else: the caller's error. */
  | 'other';

/** Classifies an error reply by its prefix (the part Redis defines; the rest is prose). */
export function classifyReplyError(message: string): ReplyErrorKind {
  const prefix = message.slice(0, message.indexOf(' ') >>> 0).toUpperCase();
  switch (prefix) {
    case 'READONLY':
    case 'MASTERDOWN':
      return 'not-primary';
    case 'LOADING':
    case 'BUSY':
    case 'TRYAGAIN':
    case 'NOREPLICAS':
      return 'not-now';
    case 'OOM':
      return 'oom';
    default:
      return 'other';
  }
}

// Commands whose repetition changes nothing, though Redis does not flag them read-only.
const IDEMPOTENT = new Set([
  'ping',
  'echo',
  'select',
  'auth',
  'hello',
  'client',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'wait',
  'waitaof',
  'quit',
  'readonly',
  'readwrite',
]);

/** True when sending the command twice cannot change data. */
export function isIdempotent(name: string): boolean {
  const n = name.toLowerCase();
  if (IDEMPOTENT.has(n)) return true;
  return exists(n) && hasFlag(n, 'readonly') && !['eval', 'evalsha', 'fcall'].includes(n);
}

/** True when the command may change data, so a durable write waits for replicas after it. */
export function mayWrite(name: string): boolean {
  const n = name.toLowerCase();
  if (['eval', 'evalsha', 'fcall'].includes(n) || n.startsWith('coordis_')) return true;
  return exists(n) && hasFlag(n, 'write');
}

/**
 * Whether a command that was in flight on a dead connection may be sent again. Commands of a
 * MULTI/EXEC block go all together or not at all: resending part of one would break it.
 */
export function mayResend(policy: DeliveryPolicy, name: string, inTransaction: boolean): boolean {
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  const n = name.toLowerCase();
  if (inTransaction || n === 'multi' || n === 'exec') return false;
  return isIdempotent(n);
}
