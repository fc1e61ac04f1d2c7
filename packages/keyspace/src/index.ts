// Public surface of @coordis/keyspace.
export type { ClearOptions, ClearResult } from './clear-namespace.js';
export { type Codec, type CodecValue, codecs, type JsonValue } from './codec.js';
export { DEFAULTS } from './defaults.js';
export {
  CodecError,
  isCodecError,
  isKeyDecodeError,
  isKeyspaceArgumentError,
  isKeyspaceError,
  isKeyspaceOptionsError,
  isNamespaceClearError,
  isNamespaceConflictError,
  isNamespaceDefinitionError,
  isReservedPrefixError,
  isSegmentDefinitionError,
  isSegmentValueError,
  KeyDecodeError,
  KeyspaceArgumentError,
  KeyspaceOptionsError,
  NamespaceClearError,
  NamespaceConflictError,
  NamespaceDefinitionError,
  ReservedPrefixError,
  SegmentDefinitionError,
  SegmentValueError,
} from './errors.js';
export type { KeyMode, KeyOf } from './key-layout.js';
export { keySlot } from './key-slot.js';
export type { KeyStore } from './key-store.js';
export {
  type BinaryKeyspaceOptions,
  createKeyspace,
  type IdentifiedKey,
  type Keyspace,
  type KeyspaceOptions,
  type StalwartNamespaces,
  type TextKeyspaceOptions,
} from './keyspace.js';
export type { KeyspaceClient } from './keyspace-client.js';
export type { MapLookup } from './map-lookup.js';
export type { MapNamespace, MapNamespaceDefinition } from './map-namespace.js';
export type { AnyNamespace, Namespace, NamespaceKind, NamespaceOptions } from './namespace.js';
export type { AnySegment, KeyInput, KeyMaterial, KeyValues, Refuse, Segment, SegmentKind } from './segment.js';
export { seg } from './segment.js';
export type { SetLookup } from './set-lookup.js';
export type { SetNamespace, SetNamespaceDefinition } from './set-namespace.js';
export { createShardedStore, ShardedStore, type ShardedStoreOptions, type ShardOf, shardBySlot } from './sharded-store.js';
export * from './stalwart-table.js';
export type { KeyTtl } from './ttl.js';
export type { ValueNamespace, ValueNamespaceDefinition } from './value-namespace.js';
export type { IncrementOptions, SetOptions, ValueStore } from './value-store.js';
