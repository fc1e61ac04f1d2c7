import type { ObjectTypeName } from './object-types.js';

// The events of Stalwart's cluster broadcast, as crates/common/src/ipc.rs defines them
// (BroadcastEvent, PushNotification, RegistryChange, CacheInvalidation) and
// crates/services/src/broadcast/mod.rs puts them on the wire, one tag byte each. Integers that
// Stalwart keeps as u64 are bigints here; u16 and u32 are numbers.

/** Data in an account changed (JMAP state change, tag 0): IMAP IDLE, JMAP EventSource and push clients must be told. */
export interface StateChangeEvent {
  readonly type: 'stateChange';
  readonly accountId: number;
  /** The account's new change id (u64). */
  readonly changeId: bigint;
  /** The data types that changed, a bitmap: bit n is `DATA_TYPES[n]` (see {@link dataTypeNames}). */
  readonly types: bigint;
}

/** A calendar alarm is due (tag 1). */
export interface CalendarAlertEvent {
  readonly type: 'calendarAlert';
  readonly accountId: number;
  readonly eventId: number;
  /** The occurrence (an i64; Stalwart writes "none" as 0, so 0 never appears here). */
  readonly recurrenceId?: bigint;
  readonly uid: string;
  readonly alertId: string;
}

/** New mail to push to an account's push subscriptions (tag 2). */
export interface EmailPushEvent {
  readonly type: 'emailPush';
  readonly accountId: number;
  readonly emailId: number;
  readonly changeId: bigint;
}

/** An account's push subscriptions changed; push servers reload them (tag 3). */
export interface PushServerUpdateEvent {
  readonly type: 'pushServerUpdate';
  readonly accountId: number;
}

/**
 * A registry object was written (tag 4): a blocked IP, a certificate, a domain… `object` is the
 * object type's name, or its id when this table does not know it (a newer Stalwart).
 */
export interface RegistryInsertEvent {
  readonly type: 'registryInsert';
  readonly object: ObjectTypeName | number;
  /** The object's id in the registry (u64). */
  readonly id: bigint;
}

/** A registry object was removed (tag 5); fields as {@link RegistryInsertEvent}. */
export interface RegistryDeleteEvent {
  readonly type: 'registryDelete';
  readonly object: ObjectTypeName | number;
  readonly id: bigint;
}

/** Every object of a type must be reloaded from the registry (tag 6). */
export interface RegistryReloadEvent {
  readonly type: 'registryReload';
  readonly object: ObjectTypeName | number;
}

/** Cache entries Stalwart's nodes must drop (tag 7). */
export interface CacheInvalidateEvent {
  readonly type: 'cacheInvalidate';
  readonly items: readonly CacheInvalidation[];
}

/** Every node drops all its caches (tag 8). */
export interface CacheInvalidateAllEvent {
  readonly type: 'cacheInvalidateAll';
}

/** Every node drops its negative caches (unknown addresses and domains, tag 9). */
export interface CacheInvalidateNegativeEvent {
  readonly type: 'cacheInvalidateNegative';
}

/** The outbound queue was resumed (tag 10, `running: true`) or paused (tag 11). */
export interface MtaQueueStatusEvent {
  readonly type: 'mtaQueueStatus';
  readonly running: boolean;
}

/** New messages are in the queue: outbound nodes rescan it (tag 12). */
export interface QueueRefreshEvent {
  readonly type: 'queueRefresh';
}

/** One event of a `stwt.agora` batch. */
export type StalwartEvent =
  | StateChangeEvent
  | CalendarAlertEvent
  | EmailPushEvent
  | PushServerUpdateEvent
  | RegistryInsertEvent
  | RegistryDeleteEvent
  | RegistryReloadEvent
  | CacheInvalidateEvent
  | CacheInvalidateAllEvent
  | CacheInvalidateNegativeEvent
  | MtaQueueStatusEvent
  | QueueRefreshEvent;

/** The `type` of a Stalwart event. */
export type StalwartEventType = StalwartEvent['type'];

/** The event of one `type`. */
export type StalwartEventOf<T extends StalwartEventType> = Extract<StalwartEvent, { readonly type: T }>;

/** One batch on the channel: the sending node's id (u16, from its `network.node-id`), then its events. */
export interface StalwartBatch {
  readonly nodeId: number;
  readonly events: readonly StalwartEvent[];
}

/** Cache kinds keyed by one id, in marker order (marker = index), as crates/common/src/ipc.rs lists them. */
export const CACHE_KINDS = Object.freeze([
  'accessToken',
  'davResources',
  'domain',
  'account',
  'dkimSignature',
  'tenant',
  'role',
  'list',
  'domainLogo',
  'tenantLogo',
] as const);

/** A cache kind keyed by one id. */
export type CacheKind = (typeof CACHE_KINDS)[number];

/**
 * One cache entry to drop: an id of one of {@link CACHE_KINDS}; a negative (unknown-address)
 * entry, by domain id and the low 32 bits of xxh3-64 of the local part (marker 10); or the
 * negative domain cache (marker 11).
 */
export type CacheInvalidation =
  | { readonly kind: CacheKind; readonly id: number }
  | { readonly kind: 'emailNegative'; readonly domainId: number; readonly localPartHash: number }
  | { readonly kind: 'domainNegative' };

/** Stalwart's JMAP data types, by bit of a state change's bitmap (enum DataType, crates/types/src/type_state.rs). */
export const DATA_TYPES = Object.freeze([
  'Email',
  'EmailDelivery',
  'EmailSubmission',
  'Mailbox',
  'Thread',
  'Identity',
  'Core',
  'PushSubscription',
  'SearchSnippet',
  'VacationResponse',
  'MDN',
  'Quota',
  'SieveScript',
  'Calendar',
  'CalendarEvent',
  'CalendarEventNotification',
  'AddressBook',
  'ContactCard',
  'FileNode',
  'Principal',
  'ShareNotification',
  'ParticipantIdentity',
  'CalendarAlert',
] as const);

/** The name of a JMAP data type a state change can name. */
export type DataTypeName = (typeof DATA_TYPES)[number];

/** The data types a state change's bitmap names, in bit order; bits this table does not know are skipped. */
export function dataTypeNames(types: bigint): DataTypeName[] {
  return DATA_TYPES.filter((_, bit) => (types >> BigInt(bit)) & 1n);
}

/** The bitmap of a list of data types, for encoding a state change. */
export function dataTypeBits(names: readonly DataTypeName[]): bigint {
  return names.reduce((bits, name) => bits | (1n << BigInt(DATA_TYPES.indexOf(name))), 0n);
}
