import type { Codec } from './codec.js';
import { CodecError, KeyspaceArgumentError } from './errors.js';
import type { KeyMode } from './key-layout.js';
import { KeyStore } from './key-store.js';
import type { KeyspaceClient } from './keyspace-client.js';
import type { Namespace } from './namespace.js';
import type { AnySegment, KeyInput } from './segment.js';
import { effectiveTtlMs } from './ttl.js';

/** How `set` writes. */
export interface SetOptions {
  /**
   * Time to live in milliseconds; `null`: the key never expires.
   * @default the namespace's `defaultTtlMs` (no expiry when it has none)
   */
  readonly ttlMs?: number | null;
  /**
   * `'absent'`: write only if the key does not exist (SET NX), for create-once values such as
   * one-time codes; `'present'`: only if it exists (SET XX).
   * @default write either way
   */
  readonly onlyIf?: 'absent' | 'present';
}

/** How `increment` counts. */
export interface IncrementOptions {
  /** What to add: a whole number, negative to count down. @default 1 */
  readonly by?: number;
  /**
   * The counter's time to live, set when the increment creates it (and never moved by later
   * increments: a fixed window); `null`: the counter never expires.
   * @default the namespace's `defaultTtlMs` (no expiry when it has none)
   */
  readonly ttlMs?: number | null;
}

/** Encodes with the namespace's codec; any failure becomes a CodecError naming the namespace. */
export function encodeWith<V>(namespace: string, codec: Codec<V>, value: V): string | Buffer {
  try {
    return codec.encode(value);
  } catch (e) {
    throw asCodecError(namespace, codec, 'encode', e);
  }
}

/** Decodes stored bytes with the namespace's codec; any failure becomes a CodecError naming the namespace. */
export function decodeWith<V>(namespace: string, codec: Codec<V>, stored: Buffer): V {
  try {
    return codec.decode(stored);
  } catch (e) {
    throw asCodecError(namespace, codec, 'decode', e);
  }
}

function asCodecError(namespace: string, codec: Codec<unknown>, direction: 'encode' | 'decode', e: unknown): CodecError {
  if (e instanceof CodecError && e.namespace === undefined) {
    // A built-in codec's error, re-issued with the namespace it ran for.
    return new CodecError(e.codec, e.direction, e.problem, { namespace, cause: e });
  }
  return new CodecError(codec.name, direction, 'the codec threw (see cause)', { namespace, cause: e });
}

/**
 * Operations on a value namespace bound to a client: get, set, take, increment, and the key
 * operations every namespace has. Values go through the namespace's codec both ways.
 */
export class ValueStore<S extends readonly AnySegment[], V, M extends KeyMode> extends KeyStore<S, M> {
  /** How values are stored. */
  readonly codec: Codec<V>;
  /** The TTL writes use unless the call passes one; `undefined`: none. */
  readonly defaultTtlMs: number | undefined;

  constructor(namespace: Namespace<string, S, M>, codec: Codec<V>, defaultTtlMs: number | undefined, client: KeyspaceClient) {
    super(namespace, client);
    this.codec = codec;
    this.defaultTtlMs = defaultTtlMs;
  }

  /** The value, or `undefined` when the key does not exist. */
  async get(values: KeyInput<S>): Promise<V | undefined> {
    const stored = await this.client.getBuffer(this.key(values));
    return stored === null ? undefined : decodeWith(this.namespace.name, this.codec, stored);
  }

  /**
   * Writes the value with the namespace's default TTL unless `ttlMs` says otherwise (SET … PX).
   * Resolves to false only when `onlyIf` kept it from writing.
   */
  async set(values: KeyInput<S>, value: V, options: SetOptions = {}): Promise<boolean> {
    const key = this.key(values);
    const encoded = encodeWith(this.namespace.name, this.codec, value);
    const ttlMs = effectiveTtlMs(this.namespace.name, this.defaultTtlMs, options.ttlMs);
    const args: (string | Buffer | number)[] = [key, encoded];
    if (ttlMs !== undefined) args.push('PX', ttlMs);
    if (options.onlyIf === 'absent') args.push('NX');
    else if (options.onlyIf === 'present') args.push('XX');
    else if (options.onlyIf !== undefined) {
      throw new KeyspaceArgumentError(this.namespace.name, 'onlyIf', "onlyIf is 'absent' or 'present'", 'leave it out to write either way');
    }
    return (await this.client.call('SET', ...args)) === 'OK';
  }

  /**
   * Reads and deletes the value in one step (GETDEL): of any number of concurrent takes of one
   * key, exactly one gets the value. For one-time codes (OAuth authorisation codes).
   */
  async take(values: KeyInput<S>): Promise<V | undefined> {
    const stored = await this.client.getdelBuffer(this.key(values));
    return stored === null ? undefined : decodeWith(this.namespace.name, this.codec, stored);
  }

  /**
   * Adds to a counter and returns its new value (INCRBY). A counter the call creates gets its
   * TTL in the same transaction (PEXPIRE … NX inside MULTI), so no counter is left without one
   * and later increments never push its expiry back. Only for namespaces of numbers.
   */
  async increment(this: ValueStore<S, number, M>, values: KeyInput<S>, options: IncrementOptions = {}): Promise<number> {
    const by = options.by ?? 1;
    if (!Number.isSafeInteger(by)) {
      throw new KeyspaceArgumentError(
        this.namespace.name,
        'by',
        'an increment is a whole number within ±(2^53 − 1)',
        'pass e.g. 1, or -1 to count down',
      );
    }
    const key = this.key(values);
    const ttlMs = effectiveTtlMs(this.namespace.name, this.defaultTtlMs, options.ttlMs);
    const tx = this.client.multi().incrby(key, by);
    // NX: only a key without an expiry gets one, which after INCRBY means the key it created.
    if (ttlMs !== undefined) tx.pexpire(key, ttlMs, 'NX');
    const replies = await tx.exec();
    const [err, count] = replies?.[0] ?? [new Error('the transaction was discarded'), undefined];
    if (err) {
      if (/not an integer|out of range/.test(err.message)) {
        throw new CodecError(this.codec.name, 'decode', 'the stored value is not an integer counter, or the sum leaves the 64-bit range', {
          namespace: this.namespace.name,
          cause: err,
        });
      }
      throw err;
    }
    if (typeof count !== 'number') throw new TypeError(`INCRBY replied ${typeof count}, not a number`);
    return count;
  }
}
