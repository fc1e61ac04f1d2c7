import { CoordisError, hasCode } from '@coordis/client';

/** The bus was configured wrongly (an event type name, an option). */
export class EventBusConfigError extends CoordisError {
  constructor(message: string) {
    super('COORDIS_EVENTS_CONFIG', message);
  }
}

/** A publish named an event type the bus does not know. */
export class UnknownEventTypeError extends CoordisError {
  readonly type: string;

  constructor(type: string, known: readonly string[]) {
    super(
      'COORDIS_EVENTS_UNKNOWN_TYPE',
      `event type "${type}" is not in this bus's events map (${known.join(', ')}); add it to createEventBus({ events }).`,
    );
    this.type = type;
  }
}

/** A payload failed the event's schema at publish time; nothing was sent. */
export class InvalidPayloadError extends CoordisError {
  readonly type: string;
  readonly issues: readonly string[];

  constructor(type: string, issues: readonly string[]) {
    super(
      'COORDIS_EVENTS_INVALID_PAYLOAD',
      `the payload of "${type}" does not match its schema (${issues.join('; ')}); nothing was published.`,
    );
    this.type = type;
    this.issues = issues;
  }
}

/** The encoded event is larger than maxEventBytes; nothing was sent. */
export class EventTooLargeError extends CoordisError {
  constructor(type: string, bytes: number, limit: number) {
    super(
      'COORDIS_EVENTS_TOO_LARGE',
      `"${type}" encodes to ${bytes} bytes, over maxEventBytes (${limit}): send a reference to the data instead of the data.`,
    );
  }
}

/** The bus is closed; create a new one. */
export class BusClosedError extends CoordisError {
  constructor() {
    super('COORDIS_EVENTS_CLOSED', 'the event bus is closed; create a new one with createEventBus().');
  }
}

export const isInvalidPayloadError = (e: unknown): e is InvalidPayloadError => hasCode(e, 'COORDIS_EVENTS_INVALID_PAYLOAD');
export const isUnknownEventTypeError = (e: unknown): e is UnknownEventTypeError => hasCode(e, 'COORDIS_EVENTS_UNKNOWN_TYPE');
export const isBusClosedError = (e: unknown): e is BusClosedError => hasCode(e, 'COORDIS_EVENTS_CLOSED');
