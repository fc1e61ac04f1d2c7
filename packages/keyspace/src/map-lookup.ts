import type { Codec } from './codec.js';
import { KeyspaceArgumentError } from './errors.js';
import type { KeyMode } from './key-layout.js';
import { KeyStore } from './key-store.js';
import type { KeyspaceClient } from './keyspace-client.js';
import type { Namespace } from './namespace.js';
import { type AnySegment, isWellFormed, type KeyInput } from './segment.js';
import { decodeWith, encodeWith } from './value-store.js';

/**
 * Key-value lookups, as Stalwart's MemoryLookupKeyValue lists (a domain's route, a sender's
 * score): each key of the namespace is one Redis hash from field names (UTF-8 text) to values
 * encoded by the namespace's codec.
 */
export class MapLookup<S extends readonly AnySegment[], V, M extends KeyMode> extends KeyStore<S, M> {
  /** How field values are stored. */
  readonly codec: Codec<V>;

  constructor(namespace: Namespace<string, S, M>, codec: Codec<V>, client: KeyspaceClient) {
    super(namespace, client);
    this.codec = codec;
  }

  #field(field: string): string {
    if (typeof field !== 'string' || !isWellFormed(field)) {
      throw new KeyspaceArgumentError(
        this.namespace.name,
        'field',
        'a field name is well-formed text (a lone UTF-16 surrogate would collide with U+FFFD)',
        'pass the field as a string',
      );
    }
    return field;
  }

  #decode(stored: Buffer | null): V | undefined {
    return stored === null ? undefined : decodeWith(this.namespace.name, this.codec, stored);
  }

  /** The value of `field`, or `undefined` when the field or the key is missing (HGET). */
  async get(values: KeyInput<S>, field: string): Promise<V | undefined> {
    return this.#decode(await this.client.hgetBuffer(this.key(values), this.#field(field)));
  }

  /** The values of several fields in one round trip (HMGET), `undefined` for missing ones. */
  async getEach(values: KeyInput<S>, fields: readonly string[]): Promise<(V | undefined)[]> {
    if (fields.length === 0) return [];
    const stored = await this.client.hmgetBuffer(this.key(values), ...fields.map((f) => this.#field(f)));
    return stored.map((s) => this.#decode(s));
  }

  /** True when the field exists (HEXISTS). */
  async has(values: KeyInput<S>, field: string): Promise<boolean> {
    return (await this.client.hexists(this.key(values), this.#field(field))) === 1;
  }

  /** Sets one field (HSET); true when the field is new. */
  async set(values: KeyInput<S>, field: string, value: V): Promise<boolean> {
    return (await this.client.hset(this.key(values), this.#field(field), encodeWith(this.namespace.name, this.codec, value))) === 1;
  }

  /** Sets several fields in one command (HSET); resolves to how many were new. */
  async setEach(values: KeyInput<S>, entries: Iterable<readonly [string, V]>): Promise<number> {
    const args = this.#flatten(entries);
    if (args.length === 0) return 0;
    return this.client.hset(this.key(values), ...args);
  }

  /** Removes fields (HDEL); resolves to how many existed. */
  async remove(values: KeyInput<S>, ...fields: string[]): Promise<number> {
    if (fields.length === 0) return 0;
    return this.client.hdel(this.key(values), ...fields.map((f) => this.#field(f)));
  }

  /** Every field and value (HGETALL). Meant for maps that fit in memory. */
  async entries(values: KeyInput<S>): Promise<Map<string, V>> {
    const stored = await this.client.hgetallBuffer(this.key(values));
    return new Map(Object.entries(stored).map(([f, v]) => [f, decodeWith(this.namespace.name, this.codec, v)]));
  }

  /** How many fields the map has (HLEN). */
  size(values: KeyInput<S>): Promise<number> {
    return this.client.hlen(this.key(values));
  }

  /**
   * Replaces the whole map in one transaction (DEL, HSET in MULTI): a reader sees the old map
   * or the new one, never a mix. No entries deletes the key. Keeps no TTL.
   */
  async replace(values: KeyInput<S>, entries: Iterable<readonly [string, V]>): Promise<void> {
    const key = this.key(values);
    const args = this.#flatten(entries);
    const tx = this.client.multi().del(key);
    if (args.length > 0) tx.hset(key, ...args);
    const replies = (await tx.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
  }

  #flatten(entries: Iterable<readonly [string, V]>): (string | Buffer)[] {
    const out: (string | Buffer)[] = [];
    for (const [field, value] of entries) out.push(this.#field(field), encodeWith(this.namespace.name, this.codec, value));
    return out;
  }
}
