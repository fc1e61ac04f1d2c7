// Public surface of @coordis/stalwart.
export { type BroadcastProblem, type DecodedBroadcast, decodeBroadcast, encodeBroadcast } from './broadcast-codec.js';
export * from './broadcast-events.js';
export {
  type BlockedIpChange,
  type BroadcastHandler,
  type BroadcastMeta,
  type CertificateChange,
  type FollowerStats,
  followStalwart,
  type InvalidBatch,
  StalwartFollower,
  type StalwartFollowerEvents,
  type StalwartFollowerOptions,
  type StalwartHandlers,
} from './broadcast-follower.js';
export { type PublishableEvent, StalwartPublisher, type StalwartPublisherOptions, stalwartPublisher } from './broadcast-publisher.js';
export { type CoordisStalwartEvent, toCoordisEvent } from './bus-bridge.js';
export { DEFAULTS } from './defaults.js';
export * from './errors.js';
export {
  type ReportThrottleInput,
  reportThrottleHash,
  type SieveIdInput,
  type SmtpThrottleInput,
  type StalwartRate,
  sieveIdHash,
  smtpThrottleHash,
} from './hashed-keys.js';
export { OBJECT_TYPES, type ObjectTypeName, objectTypeId, objectTypeName } from './object-types.js';
export { blobQuotaWindow, rateWindow, type StalwartWindow } from './rate-window.js';
export { lowercaseAddress } from './stalwart-address.js';
export { type GreylistEntry, type GreylistVerdict, StalwartGreylist, stalwartGreylist } from './stalwart-greylist.js';
export {
  type BlobWindowInput,
  DAV_COLLECTIONS,
  type DavCollection,
  type RateLimitSubject,
  type RateWindowInput,
  stalwartKeys,
} from './stalwart-keys.js';
export {
  type StalwartAcquireOptions,
  StalwartLease,
  StalwartLock,
  type StalwartLockHolder,
  type StalwartLockOptions,
  StalwartLocks,
  type StalwartReleaseResult,
  stalwartLocks,
} from './stalwart-locks.js';
export {
  type AtOptions,
  type BlobQuotaUsage,
  type StalwartLimitResult,
  StalwartRateLimits,
  type StalwartRateLimitsOptions,
  stalwartRateLimits,
} from './stalwart-rate-limits.js';
export {
  clientFor,
  createStalwartShards,
  type StalwartShards,
  type StalwartStore,
  type StoreClient,
  shardIndex,
} from './stalwart-shards.js';
export { STALWART_SOURCE } from './stalwart-source.js';
