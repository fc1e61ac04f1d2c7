import { isCoordisError } from '@coordis/client';

/**
 * What a check answers when Redis gives no answer within the deadline:
 * - `'open'`: admit (availability first: an outage must not take the service down);
 * - `'closed'`: refuse (protection first: authentication, abuse-prone endpoints);
 * - `'local'`: decide with a limiter in this process, same algorithm and rate, on the local
 *   clock (each process then admits up to the limit on its own);
 * - `'throw'`: reject with RateLimitUnavailableError and let the caller decide.
 */
export type UnavailablePolicy = 'open' | 'closed' | 'local' | 'throw';

/** The limiter's own deadline passed with no reply; the cause of the policy's answer. */
export class DeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(`no reply from Redis within ${deadlineMs} ms`);
    this.name = 'DeadlineError';
  }
}

const UNAVAILABLE_CODES = new Set([
  'COORDIS_UNAVAILABLE',
  'COORDIS_UNKNOWN_OUTCOME',
  'COORDIS_RETRIES_EXHAUSTED',
  'COORDIS_OOM',
  'COORDIS_MASTER_UNREACHABLE',
  'COORDIS_SENTINELS_UNREACHABLE',
]);

// Reply prefixes of a server that cannot take the check now; anything else is a real error.
const UNAVAILABLE_REPLIES = /^(READONLY|LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|OOM)\b/;
const CONNECTION_ERRORS =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|Command timed out|None of startup nodes|Failed to refresh slots cache|Cluster isn't ready|Too many Cluster redirections/;

/**
 * True when an error means Redis could not answer (no connection, a failover, a server that
 * is loading or out of memory, our deadline): the unavailable policy answers then. Anything
 * else (a script error, a wrong type) is a bug to surface, not an outage to paper over.
 */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof DeadlineError) return true;
  if (isCoordisError(e)) return UNAVAILABLE_CODES.has(e.code);
  if (!(e instanceof Error)) return false;
  if (e.name === 'MaxRetriesPerRequestError' || e.name === 'ClusterAllFailedError') return true;
  return UNAVAILABLE_REPLIES.test(e.message) || CONNECTION_ERRORS.test(e.message);
}

/**
 * Resolves like `promise`, or rejects with DeadlineError after `ms`; a late outcome is ignored.
 * When the timer fires, the verdict waits for the poll phase of the event loop: a process busy
 * past the deadline may have the reply already sitting in its socket, and that is an answer in
 * time, not an outage (falling back then would let a 'local' policy admit beside Redis).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new DeadlineError(ms));
      });
    }, ms);
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (e: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
