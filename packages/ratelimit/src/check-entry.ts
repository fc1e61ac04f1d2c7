import type { RedisKey } from 'ioredis';
import type { ResolvedRate } from './rate.js';

/** One limiter's part of a check, with the key built for the window the server is thought to be in. */
export interface CheckEntry {
  /** The limiter's name, for errors. */
  readonly limiter: string;
  readonly key: RedisKey;
  /** The key as text (binary keys as latin1), to tell keys apart in a run. */
  readonly keyId: string;
  readonly rate: ResolvedRate;
  readonly cost: number;
  /** The fixed window the key was built for; 0 for the other algorithms. */
  readonly window: number;
}

/** A check's script answer for one entry. */
export interface RawResult {
  readonly allowed: boolean;
  readonly remaining: number;
  readonly resetMs: number;
  readonly retryAfterMs: number;
}

/** What became of a group sent to Redis. */
export type GroupOutcome =
  | {
      readonly kind: 'answered';
      /** Server time of the decision. */
      readonly nowMs: number;
      /** Local monotonic time the command was sent (before the server decided). */
      readonly sentAt: number;
      readonly results: readonly RawResult[];
    }
  | { readonly kind: 'unavailable'; readonly cause: unknown };

/** `'check'` takes the group when every entry fits; `'peek'` never takes. */
export type CheckMode = 'check' | 'peek';

/** The text form of a key, to compare keys whatever their type. */
export function keyText(key: RedisKey): string {
  return typeof key === 'string' ? key : Buffer.isBuffer(key) ? key.toString('latin1') : String(key);
}
