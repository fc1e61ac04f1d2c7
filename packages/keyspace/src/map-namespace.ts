import type { Codec } from './codec.js';
import { checkCodec } from './codec-check.js';
import type { KeyMode } from './key-layout.js';
import type { KeyspaceClient } from './keyspace-client.js';
import { MapLookup } from './map-lookup.js';
import { Namespace, type NamespaceOptions, type NamespacePlacement } from './namespace.js';
import type { AnySegment } from './segment.js';

/** A namespace of key-value lookups: what `keyspace.defineMap` takes. */
export interface MapNamespaceDefinition<N extends string, S extends readonly AnySegment[], V> extends NamespaceOptions<N, S> {
  /** How field values are stored. */
  readonly value: Codec<V>;
}

/** A namespace whose keys are Redis hashes: key-value lookups (MemoryLookupKeyValue). */
export class MapNamespace<N extends string, S extends readonly AnySegment[], V, M extends KeyMode> extends Namespace<N, S, M> {
  /** How field values are stored. */
  readonly value: Codec<V>;

  constructor(def: MapNamespaceDefinition<N, S, V>, placement: NamespacePlacement<M>) {
    super(def, placement);
    checkCodec(def.name, 'value', def.value);
    this.value = def.value;
  }

  /** The namespace's operations on `client` (any ioredis Redis or Cluster). */
  on(client: KeyspaceClient): MapLookup<S, V, M> {
    return new MapLookup(this, this.value, client);
  }
}
