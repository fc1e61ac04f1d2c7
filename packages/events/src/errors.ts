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

/** Another live process runs with this node's id on the same bus. */
export class NodeIdCollisionError extends CoordisError {
  readonly nodeId: string;
  /** The other process's instance id (random, per process). */
  readonly otherInstance: string;

  constructor(nodeId: string, namespace: string, otherInstance: string) {
    super(
      'COORDIS_EVENTS_NODE_ID_COLLISION',
      `another live process uses node id "${nodeId}" on bus "${namespace}" (instance ${otherInstance}): give each process its own nodeId. Two processes with one id skip each other's events and, in durable mode, share one checkpoint.`,
    );
    this.nodeId = nodeId;
    this.otherInstance = otherInstance;
  }
}

/** A blocking read outlived its deadline; the bus dropped the connection and reads again. */
export class ReadStalledError extends CoordisError {
  constructor(namespace: string, waitedMs: number, blockMs: number) {
    super(
      'COORDIS_EVENTS_READ_STALLED',
      `the blocking read of bus "${namespace}" had no reply after ${waitedMs} ms (BLOCK ${blockMs} ms): its connection was dropped and the read is reissued with backoff. Nothing to do unless it repeats: then check the server's health and the network.`,
    );
  }
}

/** A durable node could not save its checkpoint; it commits again before it reads on. */
export class CommitError extends CoordisError {
  constructor(nodeId: string, cause: unknown) {
    super(
      'COORDIS_EVENTS_COMMIT',
      `node "${nodeId}" could not save its checkpoint (${cause instanceof Error ? cause.message : String(cause)}); it retries before reading further, so nothing is skipped. If it repeats, check the server (memory, ACL on MULTI/HSET).`,
      { cause },
    );
  }
}

export const isNodeIdCollisionError = (e: unknown): e is NodeIdCollisionError => hasCode(e, 'COORDIS_EVENTS_NODE_ID_COLLISION');
export const isReadStalledError = (e: unknown): e is ReadStalledError => hasCode(e, 'COORDIS_EVENTS_READ_STALLED');
export const isCommitError = (e: unknown): e is CommitError => hasCode(e, 'COORDIS_EVENTS_COMMIT');
export const isInvalidPayloadError = (e: unknown): e is InvalidPayloadError => hasCode(e, 'COORDIS_EVENTS_INVALID_PAYLOAD');
export const isUnknownEventTypeError = (e: unknown): e is UnknownEventTypeError => hasCode(e, 'COORDIS_EVENTS_UNKNOWN_TYPE');
export const isBusClosedError = (e: unknown): e is BusClosedError => hasCode(e, 'COORDIS_EVENTS_CLOSED');
