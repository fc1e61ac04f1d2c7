import type { Codec } from './codec.js';
import { checkCodec } from './codec-check.js';
import { NamespaceDefinitionError } from './errors.js';
import type { KeyMode } from './key-layout.js';
import type { KeyspaceClient } from './keyspace-client.js';
import { Namespace, type NamespaceOptions, type NamespacePlacement } from './namespace.js';
import type { AnySegment } from './segment.js';
import { isValidTtlMs } from './ttl.js';
import { ValueStore } from './value-store.js';

/** A namespace of plain values: what `keyspace.define` takes. */
export interface ValueNamespaceDefinition<N extends string, S extends readonly AnySegment[], V> extends NamespaceOptions<N, S> {
  /** How values are stored: `codecs.string`, `codecs.number`, `codecs.json<T>()`, `codecs.bytes`, or your own. */
  readonly value: Codec<V>;
  /**
   * Time to live of keys `set` writes and of counters `increment` creates, unless the call
   * passes its own `ttlMs`.
   * @default none: keys live until deleted
   */
  readonly defaultTtlMs?: number;
}

/** A namespace of plain values (strings in Redis): get, set, take, increment, expire. */
export class ValueNamespace<N extends string, S extends readonly AnySegment[], V, M extends KeyMode> extends Namespace<N, S, M> {
  /** How values are stored. */
  readonly value: Codec<V>;
  /** The TTL of writes that pass none; `undefined`: keys live until deleted. */
  readonly defaultTtlMs: number | undefined;
  readonly #definition: ValueNamespaceDefinition<N, S, V>;
  readonly #placement: NamespacePlacement<M>;

  constructor(def: ValueNamespaceDefinition<N, S, V>, placement: NamespacePlacement<M>) {
    super(def, placement);
    checkCodec(def.name, 'value', def.value);
    if (def.defaultTtlMs !== undefined && !isValidTtlMs(def.defaultTtlMs)) {
      throw new NamespaceDefinitionError(
        def.name,
        'defaultTtlMs is a whole number of milliseconds, at least 1',
        'pass e.g. 600_000 for ten minutes, or leave it out',
      );
    }
    this.value = def.value;
    this.defaultTtlMs = def.defaultTtlMs;
    this.#definition = def;
    this.#placement = placement;
  }

  /** The namespace's operations on `client` (any ioredis Redis or Cluster). */
  on(client: KeyspaceClient): ValueStore<S, V, M> {
    return new ValueStore(this, this.value, this.defaultTtlMs, client);
  }

  /**
   * The same namespace (same keys) read and written through another codec, e.g. Stalwart's
   * KV_OAUTH holding your own JSON. Every writer of a key must agree on its codec.
   */
  withCodec<W>(value: Codec<W>): ValueNamespace<N, S, W, M> {
    return new ValueNamespace({ ...this.#definition, value }, this.#placement);
  }
}
