import { ShardedStore } from '@coordis/keyspace';
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
 * order or count sends keys to the wrong store. A {@link ShardedStore} with Stalwart's rule in
 * place of coordis' default; made by {@link createStalwartShards}.
 */
export class StalwartShards extends ShardedStore<StoreClient> {
  /** @internal Use {@link createStalwartShards}. */
  constructor(stores: readonly StoreClient[], hasher: Hasher) {
    super(stores, (key, count) => xxh3Mod(hasher, key, count));
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
