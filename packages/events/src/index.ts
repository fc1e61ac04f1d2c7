// Public surface of @coordis/events.
export type { BusEvents, BusStats, Gap, InvalidEvent } from './bus-events.js';
export { type EnvelopeCodec, jsonCodec } from './codec.js';
export { DEFAULTS } from './defaults.js';
export { ENVELOPE_VERSION, type Envelope, type InvalidReason } from './envelope.js';
export {
  BusClosedError,
  EventBusConfigError,
  EventTooLargeError,
  InvalidPayloadError,
  isBusClosedError,
  isInvalidPayloadError,
  isUnknownEventTypeError,
  UnknownEventTypeError,
} from './errors.js';
export { createEventBus, type DurableOptions, EventBus, type EventBusOptions, type EventOf } from './event-bus.js';
export type { BusKeys } from './event-keys.js';
export { type Matching, matchPattern } from './event-pattern.js';
export type { OverflowPolicy } from './handler-queue.js';
export { type EventMap, guard, type PayloadIn, type PayloadOut, type StandardSchemaV1, type } from './schema.js';
export { type CertificateReady, type IpBlocked, type PushTrigger, type StateChanged, stalwartEvents } from './stalwart-catalog.js';
