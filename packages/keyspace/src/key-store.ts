import { type ClearOptions, type ClearResult, clearNamespace } from './clear-namespace.js';
import type { KeyMode, KeyOf } from './key-layout.js';
import type { KeyspaceClient } from './keyspace-client.js';
import type { Namespace } from './namespace.js';
import type { AnySegment, KeyInput } from './segment.js';
import { checkTtlMs, type KeyTtl, ttlFromPttl } from './ttl.js';

/**
 * The operations every kind of namespace has, on whole keys: exists, delete, expire, ttl and
 * clear. A store is a namespace bound to a client; it holds no state and costs nothing to make.
 */
export class KeyStore<S extends readonly AnySegment[], M extends KeyMode> {
  /** The namespace whose keys the store reads and writes. */
  readonly namespace: Namespace<string, S, M>;
  /** The client commands go to. */
  readonly client: KeyspaceClient;

  constructor(namespace: Namespace<string, S, M>, client: KeyspaceClient) {
    this.namespace = namespace;
    this.client = client;
  }

  /** The key for these segment values (validated: a SegmentValueError names what is wrong). */
  key(values: KeyInput<S>): KeyOf<M> {
    return this.namespace.key(values);
  }

  /** True when the key exists. */
  async exists(values: KeyInput<S>): Promise<boolean> {
    return (await this.client.exists(this.key(values))) === 1;
  }

  /** Deletes the key (UNLINK: a large set or hash is freed in the background); true when it existed. */
  async delete(values: KeyInput<S>): Promise<boolean> {
    return (await this.client.unlink(this.key(values))) === 1;
  }

  /** Sets the key's time to live; false when the key does not exist. */
  async expire(values: KeyInput<S>, ttlMs: number): Promise<boolean> {
    const ms = checkTtlMs(this.namespace.name, 'ttlMs', ttlMs);
    return (await this.client.pexpire(this.key(values), ms)) === 1;
  }

  /** The key's remaining time to live. */
  async ttl(values: KeyInput<S>): Promise<KeyTtl> {
    return ttlFromPttl(await this.client.pttl(this.key(values)));
  }

  /** Deletes every key of the namespace (SCAN + UNLINK on every master; never KEYS). */
  clear(options?: ClearOptions): Promise<ClearResult> {
    return clearNamespace(this.client, this.namespace, options);
  }
}
