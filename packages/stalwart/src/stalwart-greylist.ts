import { StalwartArgumentError } from './errors.js';
import { stalwartKeys } from './stalwart-keys.js';
import { clientFor, type StalwartStore } from './stalwart-shards.js';

/** A sender and a recipient as the SMTP envelope gives them (`''` for the null sender). */
export interface GreylistEntry {
  readonly sender: string;
  readonly rcpt: string;
}

/** What {@link StalwartGreylist.check} answers. */
export interface GreylistVerdict {
  /** True: the pair was new, it is now listed, and the session must answer `452 4.2.2 Greylisted`. */
  readonly greylisted: boolean;
  readonly key: Buffer;
}

/**
 * Stalwart's greylist (crates/smtp/src/inbound/rcpt.rs): a pair seen before passes; a new pair
 * is listed for the greylist period and refused this time. Keys and commands are Stalwart's —
 * `EXISTS key`, then `SETEX key <ttl> ""` — so a Node SMTP front end and the Stalwart nodes
 * share one list. Like Stalwart's, the check is two commands: two sessions racing on a new pair
 * may both be greylisted once.
 */
export class StalwartGreylist {
  readonly store: StalwartStore;

  /** @internal Use {@link stalwartGreylist}. */
  constructor(store: StalwartStore) {
    this.store = store;
  }

  /** The key of a pair (lower-cased, punycode domains). */
  key(entry: GreylistEntry): Buffer {
    return stalwartKeys.greylist(entry);
  }

  /**
   * Tests and sets a pair exactly as Stalwart's RCPT TO does: listed already → passes; new →
   * listed for `ttlS` seconds (Stalwart's `grey-list expiry`) and greylisted.
   */
  async check(entry: GreylistEntry, ttlS: number): Promise<GreylistVerdict> {
    if (!Number.isSafeInteger(ttlS) || ttlS < 1) {
      throw new StalwartArgumentError(
        'ttlS',
        'must be a whole number of seconds, at least 1',
        'pass the greylist period Stalwart is configured with',
      );
    }
    const key = this.key(entry);
    const client = clientFor(this.store, key);
    if ((await client.exists(key)) === 1) return { greylisted: false, key };
    await client.setex(key, ttlS, '');
    return { greylisted: true, key };
  }

  /** Whether a pair is listed (it would pass). */
  async has(entry: GreylistEntry): Promise<boolean> {
    const key = this.key(entry);
    return (await clientFor(this.store, key).exists(key)) === 1;
  }

  /** Forgets a pair; true when it was listed. */
  async remove(entry: GreylistEntry): Promise<boolean> {
    const key = this.key(entry);
    return (await clientFor(this.store, key).del(key)) === 1;
  }
}

/** Stalwart's greylist in `store` (one Redis, a Cluster, or Stalwart's shards). */
export function stalwartGreylist(store: StalwartStore): StalwartGreylist {
  return new StalwartGreylist(store);
}
