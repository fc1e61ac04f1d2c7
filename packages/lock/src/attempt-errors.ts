import { hasCode, isCoordisError } from '@coordis/client';

// Codes of @coordis/client errors after which trying again can succeed: the command was not
// sent, or it was sent on a connection that died (failover, restart, hang).
const RETRYABLE = new Set([
  'COORDIS_UNKNOWN_OUTCOME',
  'COORDIS_UNAVAILABLE',
  'COORDIS_RETRIES_EXHAUSTED',
  'COORDIS_MASTER_UNREACHABLE',
  'COORDIS_SENTINELS_UNREACHABLE',
]);

/**
 * True when an acquire attempt may have been applied although it failed: its lease may be held
 * (until its TTL) by an owner that does not know it, so the owner should release it.
 */
export function mayHaveApplied(e: unknown): boolean {
  if (hasCode(e, 'COORDIS_UNKNOWN_OUTCOME')) return true;
  // Plain ioredis: a command on a connection that closed before the reply.
  return e instanceof Error && /Connection is closed|ECONNRESET|EPIPE|Command timed out/.test(e.message);
}

/**
 * True when a failed acquire attempt is worth repeating while the caller still waits: the
 * connection failed, not the command. Acquiring is idempotent per owner, so a repeat of an
 * attempt that did apply returns the same lease.
 */
export function isRetryable(e: unknown): boolean {
  if (isCoordisError(e)) return RETRYABLE.has(e.code);
  // ioredis' own give-up error when maxRetriesPerRequest is reached during a reconnect.
  return e instanceof Error && e.name === 'MaxRetriesPerRequestError';
}
