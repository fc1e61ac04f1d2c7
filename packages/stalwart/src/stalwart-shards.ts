import type { Cluster, Redis, RedisKey } from 'ioredis';
import { StalwartArgumentError, StalwartShardsError } from './errors.js';
import { xxh3Hasher, xxh3Mod } from './hashers.js';

type Hasher = Awaited<ReturnType<typeof xxh3Hasher>>;

/** A Redis (standalone or Sentinel, including a `CoordisClient`) or a Redis Cluster. */
export type StoreClient = Redis | Cluster;

function keyBytes(key: RedisKey): Uint8Array {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

function shardCountOf(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new StalwartArgumentError(
      'shardCount',
      'must be a whole number of stores, at least 1',
      'pass the number of stores in the sharded store',
    );
  }
  return n;
}

function indexWith(h: Hasher, key: RedisKey, count: number): number {
  return xxh3Mod(h, keyBytes(key), count);
}

/**
 * The store Stalwart's sharded in-memory store picks for `key`
 * (crates/store/src/backend/composite/sharded_lookup.rs): xxh3-64 of the whole key, prefix byte
 * included, modulo the number of stores, counted in the order of its configuration. A string
 * key is hashed as its UTF-8 bytes.
 */
export async function shardIndex(key: RedisKey, shardCount: number): Promise<number> {
  return indexWith(await xxh3Hasher(), key, shardCountOf(shardCount));
}

/**
 * A client over the stores of a Stalwart sharded in-memory store: every key goes to the store
 * Stalwart would use for it. Give the stores in Stalwart's configuration order; a different
 * order or count sends keys to the wrong store. Made by {@link createStalwartShards}.
 */
export class StalwartShards {
  /** The stores, in Stalwart's configuration order. */
  readonly stores: readonly StoreClient[];
  readonly #hasher: Hasher;
  readonly #count: number;

  /** @internal Use {@link createStalwartShards}. */
  constructor(stores: readonly StoreClient[], hasher: Hasher) {
    this.stores = Object.freeze([...stores]);
    this.#hasher = hasher;
    this.#count = stores.length;
  }

  /** The index of the store that holds `key`. */
  indexOf(key: RedisKey): number {
    return indexWith(this.#hasher, key, this.#count);
  }

  /** The store that holds `key`. */
  storeFor(key: RedisKey): StoreClient {
    const store = this.stores[this.indexOf(key)];
    // indexOf is below stores.length by construction.
    if (!store) throw new StalwartShardsError('no store for a key', 'this is a bug in @coordis/stalwart');
    return store;
  }

  /** Sends one command whose first argument is `key` to that key's store: `shards.call('GET', key)`. */
  call(command: string, key: RedisKey, ...args: (string | Buffer | number)[]): Promise<unknown> {
    return this.storeFor(key).call(command, key, ...args);
  }

  /** Like {@link StalwartShards.call}, with bulk replies as Buffers (binary values). */
  callBuffer(command: string, key: RedisKey, ...args: (string | Buffer | number)[]): Promise<unknown> {
    return this.storeFor(key).callBuffer(command, key, ...args);
  }
}

/**
 * A client for a Stalwart sharded in-memory store, from its stores in configuration order.
 * Stalwart refuses fewer than two stores, and so does this (StalwartShardsError).
 */
export async function createStalwartShards(stores: readonly StoreClient[]): Promise<StalwartShards> {
  if (stores.length < 2) {
    throw new StalwartShardsError(
      `${stores.length} store(s) given`,
      'give every store of the sharded store, in the order of its configuration (at least two)',
    );
  }
  return new StalwartShards(stores, await xxh3Hasher());
}

/** Where Stalwart's in-memory state lives: one Redis, a Redis Cluster, or a sharded store. */
export type StalwartStore = StoreClient | StalwartShards;

/** The client that holds `key` in `store`. */
export function clientFor(store: StalwartStore, key: RedisKey): StoreClient {
  return store instanceof StalwartShards ? store.storeFor(key) : store;
}
