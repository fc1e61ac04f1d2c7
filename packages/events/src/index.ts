// Public surface of @coordis/events.

export type {
  BusEvents,
  BusStats,
  DisconnectCause,
  DisconnectGap,
  Gap,
  GapKind,
  InvalidEvent,
  OverflowGap,
  RollbackGap,
  TrimmedGap,
} from './bus-events.js';
export type { DurableOptions, EventBusOptions } from './bus-options.js';
export { type EnvelopeCodec, jsonCodec } from './codec.js';
export { DEFAULTS } from './defaults.js';
export { ENVELOPE_VERSION, type Envelope, type InvalidReason } from './envelope.js';
export {
  BusClosedError,
  CommitError,
  EventBusConfigError,
  EventTooLargeError,
  InvalidPayloadError,
  isBusClosedError,
  isCommitError,
  isInvalidPayloadError,
  isNodeIdCollisionError,
  isReadStalledError,
  isUnknownEventTypeError,
  NodeIdCollisionError,
  ReadStalledError,
  UnknownEventTypeError,
} from './errors.js';
export { createEventBus, EventBus, type EventOf, type PublishOptions } from './event-bus.js';
export type { BusKeys } from './event-keys.js';
export { type Matching, matchPattern } from './event-pattern.js';
export type { HandlerContext } from './handler-context.js';
export type { OverflowPolicy } from './handler-queue.js';
export { type EventMap, guard, type PayloadIn, type PayloadOut, type StandardSchemaV1, type } from './schema.js';
export { type CertificateReady, type IpBlocked, type PushTrigger, type StateChanged, stalwartEvents } from './stalwart-catalog.js';
