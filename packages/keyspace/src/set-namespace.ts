import type { Codec } from './codec.js';
import { checkCodec } from './codec-check.js';
import type { KeyMode } from './key-layout.js';
import type { KeyspaceClient } from './keyspace-client.js';
import { Namespace, type NamespaceOptions, type NamespacePlacement } from './namespace.js';
import type { AnySegment } from './segment.js';
import { SetLookup } from './set-lookup.js';

/** A namespace of membership lookups: what `keyspace.defineSet` takes. */
export interface SetNamespaceDefinition<N extends string, S extends readonly AnySegment[], V> extends NamespaceOptions<N, S> {
  /** How members are stored; members match by their encoded bytes. */
  readonly member: Codec<V>;
}

/** A namespace whose keys are Redis sets: membership lookups (MemoryLookupKey). */
export class SetNamespace<N extends string, S extends readonly AnySegment[], V, M extends KeyMode> extends Namespace<N, S, M> {
  /** How members are stored. */
  readonly member: Codec<V>;

  constructor(def: SetNamespaceDefinition<N, S, V>, placement: NamespacePlacement<M>) {
    super(def, placement);
    checkCodec(def.name, 'member', def.member);
    this.member = def.member;
  }

  /** The namespace's operations on `client` (any ioredis Redis or Cluster). */
  on(client: KeyspaceClient): SetLookup<S, V, M> {
    return new SetLookup(this, this.member, client);
  }
}
