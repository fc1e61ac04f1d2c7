import type { RedisKey } from 'ioredis';
import { KeyspaceOptionsError } from './errors.js';
import { keySlot } from './key-slot.js';
import type { KeyspaceClient } from './keyspace-client.js';

/** How a sharded store picks a store: an index from 0 to `count` − 1 for a key's bytes. */
export type ShardOf = (key: Uint8Array, count: number) => number;

/** Options of {@link createShardedStore}. */
export interface ShardedStoreOptions {
  /**
   * The store of a key. The default hashes as Redis Cluster does — CRC16 of the key's
   * `{hash tag}` (or of the whole key without one) — then takes it modulo the number of stores:
   * keys that share a Cluster slot share a store, so every coordis primitive (whose keys share a
   * tag) lives whole on one store, and multi-key scripts stay valid. Pass Stalwart's rule
   * (`xxh3(key) % n`, in @coordis/stalwart) to share a store with Stalwart.
   * @default Cluster slot of the key, modulo the number of stores
   */
  readonly shardOf?: ShardOf;
}

function keyBytes(key: RedisKey): Uint8Array {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

/** The default rule: the key's Cluster slot (hash tag first) modulo the number of stores. */
export const shardBySlot: ShardOf = (key, count) => keySlot(key) % count;

/**
 * A set of independent stores — each a standalone, Sentinel or Cluster client — with every key
 * on one of them, chosen by a hash of the key modulo the number of stores, as Stalwart's
 * Sharded in-memory store does. The stores do not know of each other: changing their number or
 * order moves most keys to another store (see the README), so do it as a migration, never live.
 */
export class ShardedStore<C extends KeyspaceClient = KeyspaceClient> {
  /** The stores, in the order whose positions keys map to. */
  readonly stores: readonly C[];
  readonly #shardOf: ShardOf;

  /** @internal Use {@link createShardedStore}. */
  constructor(stores: readonly C[], shardOf: ShardOf) {
    this.stores = Object.freeze([...stores]);
    this.#shardOf = shardOf;
  }

  /** The position of the store that holds `key`. */
  indexOf(key: RedisKey): number {
    return this.#shardOf(keyBytes(key), this.stores.length);
  }

  /** The store that holds `key`. */
  storeFor(key: RedisKey): C {
    return this.stores[this.indexOf(key)] as C;
  }

  /**
   * One instance per store of something built on a client (a `Locks`, a `RateLimits`), and the
   * one for a key: `const locks = sharded.perStore(createLocks); locks.for(key)`.
   */
  perStore<T>(make: (client: C, index: number) => T): { readonly all: readonly T[]; for(key: RedisKey): T } {
    const all = Object.freeze(this.stores.map(make));
    return { all, for: (key: RedisKey) => all[this.indexOf(key)] as T };
  }

  /** Sends one command whose first argument is `key` to that key's store: `sharded.call('GET', key)`. */
  call(command: string, key: RedisKey, ...args: (string | Buffer | number)[]): Promise<unknown> {
    return this.storeFor(key).call(command, key, ...args);
  }

  /** Like {@link ShardedStore.call}, with bulk replies as Buffers (binary values). */
  callBuffer(command: string, key: RedisKey, ...args: (string | Buffer | number)[]): Promise<unknown> {
    return this.storeFor(key).callBuffer(command, key, ...args);
  }
}

/** A sharded store over `stores` (at least one), keys spread by `options.shardOf`. */
export function createShardedStore<C extends KeyspaceClient>(stores: readonly C[], options: ShardedStoreOptions = {}): ShardedStore<C> {
  if (stores.length < 1) throw new KeyspaceOptionsError('a sharded store was given no store', 'pass at least one client');
  return new ShardedStore(stores, options.shardOf ?? shardBySlot);
}
