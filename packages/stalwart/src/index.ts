// Public surface of @coordis/stalwart.
export { type BroadcastProblem, type DecodedBroadcast, decodeBroadcast, encodeBroadcast } from './broadcast-codec.js';
export * from './broadcast-events.js';
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
export {
  type BlobWindowInput,
  DAV_COLLECTIONS,
  type DavCollection,
  type RateLimitSubject,
  type RateWindowInput,
  stalwartKeys,
} from './stalwart-keys.js';
export { STALWART_SOURCE } from './stalwart-source.js';
