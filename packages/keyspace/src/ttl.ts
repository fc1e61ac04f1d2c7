import { KeyspaceArgumentError } from './errors.js';

/** A key's remaining time to live, as PTTL reports it. */
export type KeyTtl =
  | { readonly state: 'missing' }
  | { readonly state: 'persistent' }
  | { readonly state: 'expiring'; readonly ttlMs: number };

/** True for a TTL Redis accepts in PX / PEXPIRE: a whole number of milliseconds, at least 1. */
export function isValidTtlMs(ttlMs: unknown): ttlMs is number {
  return typeof ttlMs === 'number' && Number.isSafeInteger(ttlMs) && ttlMs >= 1;
}

/** Returns `ttlMs` when Redis accepts it; otherwise throws a KeyspaceArgumentError naming `argument`. */
export function checkTtlMs(namespace: string, argument: string, ttlMs: unknown): number {
  if (!isValidTtlMs(ttlMs)) {
    throw new KeyspaceArgumentError(
      namespace,
      argument,
      'a TTL is a whole number of milliseconds from 1 to 2^53 − 1',
      'pass e.g. 60_000 for a minute (null for no expiry where the option allows it)',
    );
  }
  return ttlMs;
}

/**
 * The TTL a write uses: the call's (`null`: none) or else the namespace default (which may be
 * none). `undefined` means the key does not expire.
 */
export function effectiveTtlMs(
  namespace: string,
  defaultTtlMs: number | undefined,
  override: number | null | undefined,
): number | undefined {
  if (override === null) return undefined;
  if (override === undefined) return defaultTtlMs;
  return checkTtlMs(namespace, 'ttlMs', override);
}

/** Reads PTTL's reply: -2 missing, -1 no expiry, otherwise milliseconds left. */
export function ttlFromPttl(pttl: number): KeyTtl {
  if (pttl === -2) return { state: 'missing' };
  if (pttl === -1) return { state: 'persistent' };
  return { state: 'expiring', ttlMs: pttl };
}
