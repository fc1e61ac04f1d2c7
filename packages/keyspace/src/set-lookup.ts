import type { Codec } from './codec.js';
import type { KeyMode } from './key-layout.js';
import { KeyStore } from './key-store.js';
import type { KeyspaceClient } from './keyspace-client.js';
import type { Namespace } from './namespace.js';
import type { AnySegment, KeyInput } from './segment.js';
import { decodeWith, encodeWith } from './value-store.js';

/**
 * Membership lookups, as Stalwart's MemoryLookupKey lists (blocked domains, spam traps,
 * trusted senders): each key of the namespace is one Redis set of members, encoded by the
 * namespace's member codec. Members match by their encoded bytes.
 */
export class SetLookup<S extends readonly AnySegment[], V, M extends KeyMode> extends KeyStore<S, M> {
  /** How members are stored. */
  readonly codec: Codec<V>;

  constructor(namespace: Namespace<string, S, M>, codec: Codec<V>, client: KeyspaceClient) {
    super(namespace, client);
    this.codec = codec;
  }

  #encode(member: V): string | Buffer {
    return encodeWith(this.namespace.name, this.codec, member);
  }

  /** True when `member` is in the set (SISMEMBER). */
  async has(values: KeyInput<S>, member: V): Promise<boolean> {
    return (await this.client.sismember(this.key(values), this.#encode(member))) === 1;
  }

  /** For each member, whether it is in the set, in one round trip (SMISMEMBER). */
  async hasEach(values: KeyInput<S>, members: readonly V[]): Promise<boolean[]> {
    if (members.length === 0) return [];
    const replies = await this.client.smismember(this.key(values), ...members.map((m) => this.#encode(m)));
    return replies.map((r) => r === 1);
  }

  /** Adds members (SADD); resolves to how many were not there yet. */
  async add(values: KeyInput<S>, ...members: V[]): Promise<number> {
    if (members.length === 0) return 0;
    return this.client.sadd(this.key(values), ...members.map((m) => this.#encode(m)));
  }

  /** Removes members (SREM); resolves to how many were there. */
  async remove(values: KeyInput<S>, ...members: V[]): Promise<number> {
    if (members.length === 0) return 0;
    return this.client.srem(this.key(values), ...members.map((m) => this.#encode(m)));
  }

  /** Every member (SMEMBERS), in no particular order. Meant for lists that fit in memory. */
  async members(values: KeyInput<S>): Promise<V[]> {
    const stored = await this.client.smembersBuffer(this.key(values));
    return stored.map((m) => decodeWith(this.namespace.name, this.codec, m));
  }

  /** How many members the set has (SCARD). */
  size(values: KeyInput<S>): Promise<number> {
    return this.client.scard(this.key(values));
  }

  /**
   * Replaces the whole set in one transaction (DEL, SADD in MULTI): a reader sees the old list
   * or the new one, never a mix. An empty list deletes the key. Keeps no TTL.
   */
  async replace(values: KeyInput<S>, members: Iterable<V>): Promise<void> {
    const key = this.key(values);
    const encoded = Array.from(members, (m) => this.#encode(m));
    const tx = this.client.multi().del(key);
    if (encoded.length > 0) tx.sadd(key, ...encoded);
    const replies = (await tx.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
  }
}
