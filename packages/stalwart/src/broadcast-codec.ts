import { CACHE_KINDS, type CacheInvalidation, type CacheKind, type StalwartBatch, type StalwartEvent } from './broadcast-events.js';
import { DEFAULTS } from './defaults.js';
import { BroadcastEncodeError } from './errors.js';
import { LebError, LebReader, writeLeb128 } from './leb128.js';
import { OBJECT_TYPES, type ObjectTypeName, objectTypeName } from './object-types.js';

// The `stwt.agora` wire format, as crates/services/src/broadcast/mod.rs (BroadcastBatch) writes
// and reads it: the sender's node id (LEB128 u16), then each event as one tag byte and its
// fields, integers in LEB128, strings as a LEB128 length and UTF-8 bytes. Nothing frames an
// event, so a reader that meets an unknown tag or runs out of bytes cannot skip to the next
// one: it keeps the events before and drops the rest, as Stalwart's subscriber does.

/**
 * Why a batch, or its tail, could not be read:
 * - `no-node-id`: the message does not start with a node id (empty, or an over-long LEB128); nothing is read;
 * - `truncated`: the bytes end inside an event;
 * - `bad-integer`: a LEB128 field runs past its type's width (u16: 3 bytes, u32: 5, u64: 10);
 * - `unknown-tag`: an event tag past 12 (a newer Stalwart, or not Stalwart at all);
 * - `unknown-cache-marker`: a cache-invalidation item marker past 11;
 * - `invalid-utf8`: a calendar alert's uid or alert id is not UTF-8.
 */
export type BroadcastProblem = 'no-node-id' | 'truncated' | 'bad-integer' | 'unknown-tag' | 'unknown-cache-marker' | 'invalid-utf8';

/** What a message decoded to: every event up to the first one that could not be read, and why reading stopped. */
export interface DecodedBroadcast {
  /** The sender's node id; `undefined` only with a `no-node-id` problem. */
  readonly nodeId: number | undefined;
  /** The events read, in order; all of them when there is no `problem`. */
  readonly events: readonly StalwartEvent[];
  /** Why reading stopped early, and the byte offset of the event (or node id) that could not be read. */
  readonly problem?: { readonly reason: BroadcastProblem; readonly offset: number; readonly detail: string };
}

class Stop {
  constructor(
    readonly reason: BroadcastProblem,
    readonly detail: string,
  ) {}
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader extends LebReader {
  byte(what: string): number {
    const b = this.bytes[this.at];
    if (b === undefined) throw new Stop('truncated', `the message ends before ${what}`);
    this.at++;
    return b;
  }

  #stop(e: unknown, what: string, width: string): never {
    if (!(e instanceof LebError)) throw e;
    throw new Stop(
      e.reason,
      e.reason === 'truncated' ? `the message ends inside ${what}` : `${what} runs past the ${width} Stalwart reads it as`,
    );
  }

  big(what: string): bigint {
    try {
      return this.u64();
    } catch (e) {
      return this.#stop(e, what, 'u64');
    }
  }

  int(width: 'u16' | 'u32', what: string): number {
    try {
      return this.uint(width);
    } catch (e) {
      return this.#stop(e, what, width);
    }
  }

  text(what: string): string {
    const length = this.big(`the length of ${what}`);
    if (length > BigInt(this.bytes.length - this.at)) throw new Stop('truncated', `the message ends inside ${what}`);
    const end = this.at + Number(length);
    const raw = this.bytes.subarray(this.at, end);
    this.at = end;
    try {
      return utf8.decode(raw);
    } catch {
      throw new Stop('invalid-utf8', `${what} is not UTF-8`);
    }
  }

  object(): ObjectTypeName | number {
    const id = this.int('u16', 'the object type');
    return objectTypeName(id) ?? id;
  }
}

function cacheItem(r: Reader): CacheInvalidation {
  const marker = r.byte('a cache item marker');
  const id = r.int('u32', 'a cache item id');
  const kind = CACHE_KINDS[marker];
  if (kind) return { kind, id };
  if (marker === 10) return { kind: 'emailNegative', domainId: id, localPartHash: r.int('u32', 'a local-part hash') };
  // Stalwart writes a 0 after marker 11 and reads it back without using it.
  if (marker === 11) return { kind: 'domainNegative' };
  throw new Stop('unknown-cache-marker', `cache item marker ${marker} is not one Stalwart writes (0-11)`);
}

function readEvent(r: Reader, tag: number): StalwartEvent {
  switch (tag) {
    case 0: {
      const changeId = r.big('a change id');
      const types = r.big('a data-type bitmap');
      return { type: 'stateChange', accountId: r.int('u32', 'an account id'), changeId, types };
    }
    case 1: {
      const accountId = r.int('u32', 'an account id');
      const eventId = r.int('u32', 'an event id');
      // An i64 written as its two's-complement u64; 0 stands for "no recurrence".
      const recurrence = BigInt.asIntN(64, r.big('a recurrence id'));
      const uid = r.text('a uid');
      const alertId = r.text('an alert id');
      return recurrence === 0n
        ? { type: 'calendarAlert', accountId, eventId, uid, alertId }
        : { type: 'calendarAlert', accountId, eventId, recurrenceId: recurrence, uid, alertId };
    }
    case 2: {
      const accountId = r.int('u32', 'an account id');
      const emailId = r.int('u32', 'an email id');
      return { type: 'emailPush', accountId, emailId, changeId: r.big('a change id') };
    }
    case 3:
      return { type: 'pushServerUpdate', accountId: r.int('u32', 'an account id') };
    case 4:
    case 5: {
      const object = r.object();
      const id = r.big('an object id');
      return tag === 4 ? { type: 'registryInsert', object, id } : { type: 'registryDelete', object, id };
    }
    case 6:
      return { type: 'registryReload', object: r.object() };
    case 7: {
      const count = r.big('a cache item count');
      const items: CacheInvalidation[] = [];
      // Each item is at least two bytes: a count beyond that is a truncated message, found
      // without allocating for it.
      for (let i = 0n; i < count; i++) items.push(cacheItem(r));
      return { type: 'cacheInvalidate', items };
    }
    case 8:
      return { type: 'cacheInvalidateAll' };
    case 9:
      return { type: 'cacheInvalidateNegative' };
    case 10:
      return { type: 'mtaQueueStatus', running: true };
    case 11:
      return { type: 'mtaQueueStatus', running: false };
    case 12:
      return { type: 'queueRefresh' };
    default:
      throw new Stop('unknown-tag', `event tag ${tag} is not one Stalwart writes (0-12)`);
  }
}

/**
 * Decodes one `stwt.agora` message. Never throws: a message that is not a valid batch yields the
 * events before the first bad byte and a `problem` saying why and where reading stopped.
 */
export function decodeBroadcast(message: Uint8Array): DecodedBroadcast {
  const r = new Reader(message);
  let nodeId: number;
  try {
    nodeId = r.uint('u16');
  } catch {
    return {
      nodeId: undefined,
      events: [],
      problem: { reason: 'no-node-id', offset: 0, detail: message.length === 0 ? 'the message is empty' : 'the node id runs past a u16' },
    };
  }
  const events: StalwartEvent[] = [];
  while (r.at < message.length) {
    const offset = r.at;
    try {
      events.push(readEvent(r, r.byte('a tag')));
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      return { nodeId, events, problem: { reason: e.reason, offset, detail: e.detail } };
    }
  }
  return { nodeId, events };
}

// --- encoding ---------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const OBJECT_IDS: ReadonlyMap<string, number> = new Map(OBJECT_TYPES.map((name, id) => [name, id]));

function refuse(problem: string, fix: string): never {
  throw new BroadcastEncodeError(problem, fix);
}

function uint(value: unknown, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    refuse(`${what} must be an integer from 0 to ${max}`, 'pass the id Stalwart uses');
  }
  return value;
}

function u64(value: unknown, what: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX)
    refuse(`${what} must be a bigint from 0 to 2^64-1`, 'pass it as a bigint (7n)');
  return value;
}

function text(out: number[], value: unknown, what: string): void {
  if (typeof value !== 'string' || LONE_SURROGATE.test(value)) {
    refuse(`${what} must be a string of well-formed UTF-16`, 'drop lone surrogates, which UTF-8 cannot carry');
  }
  const bytes = Buffer.from(value, 'utf8');
  writeLeb128(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function objectId(object: unknown): number {
  if (typeof object === 'string') {
    const id = OBJECT_IDS.get(object);
    if (id === undefined) refuse(`unknown registry object type ${JSON.stringify(object)}`, 'use a name of OBJECT_TYPES, or the numeric id');
    return id;
  }
  return uint(object, 0xffff, 'a registry object type id');
}

function writeCacheItem(out: number[], item: CacheInvalidation): void {
  if (item.kind === 'emailNegative') {
    out.push(10);
    writeLeb128(out, uint(item.domainId, 0xffff_ffff, 'a domain id'));
    writeLeb128(out, uint(item.localPartHash, 0xffff_ffff, 'a local-part hash'));
  } else if (item.kind === 'domainNegative') {
    out.push(11, 0);
  } else {
    const marker = CACHE_KINDS.indexOf(item.kind as CacheKind);
    if (marker < 0) refuse(`unknown cache kind ${JSON.stringify(item.kind)}`, 'use one of CACHE_KINDS, emailNegative or domainNegative');
    out.push(marker);
    writeLeb128(out, uint(item.id, 0xffff_ffff, 'a cache item id'));
  }
}

function writeEvent(out: number[], e: StalwartEvent): void {
  switch (e.type) {
    case 'stateChange':
      out.push(0);
      writeLeb128(out, u64(e.changeId, 'changeId'));
      writeLeb128(out, u64(e.types, 'types'));
      writeLeb128(out, uint(e.accountId, 0xffff_ffff, 'accountId'));
      return;
    case 'calendarAlert': {
      out.push(1);
      writeLeb128(out, uint(e.accountId, 0xffff_ffff, 'accountId'));
      writeLeb128(out, uint(e.eventId, 0xffff_ffff, 'eventId'));
      const rec = e.recurrenceId ?? 0n;
      if (typeof rec !== 'bigint' || BigInt.asIntN(64, rec) !== rec)
        refuse('recurrenceId must be a bigint in the i64 range', 'pass it as a bigint');
      writeLeb128(out, BigInt.asUintN(64, rec));
      text(out, e.uid, 'uid');
      text(out, e.alertId, 'alertId');
      return;
    }
    case 'emailPush':
      out.push(2);
      writeLeb128(out, uint(e.accountId, 0xffff_ffff, 'accountId'));
      writeLeb128(out, uint(e.emailId, 0xffff_ffff, 'emailId'));
      writeLeb128(out, u64(e.changeId, 'changeId'));
      return;
    case 'pushServerUpdate':
      out.push(3);
      writeLeb128(out, uint(e.accountId, 0xffff_ffff, 'accountId'));
      return;
    case 'registryInsert':
    case 'registryDelete':
      out.push(e.type === 'registryInsert' ? 4 : 5);
      writeLeb128(out, objectId(e.object));
      writeLeb128(out, u64(e.id, 'id'));
      return;
    case 'registryReload':
      out.push(6);
      writeLeb128(out, objectId(e.object));
      return;
    case 'cacheInvalidate':
      out.push(7);
      writeLeb128(out, e.items.length);
      for (const item of e.items) writeCacheItem(out, item);
      return;
    case 'cacheInvalidateAll':
      out.push(8);
      return;
    case 'cacheInvalidateNegative':
      out.push(9);
      return;
    case 'mtaQueueStatus':
      out.push(e.running ? 10 : 11);
      return;
    case 'queueRefresh':
      out.push(12);
      return;
    default:
      refuse(`unknown event type ${JSON.stringify((e as { type?: unknown }).type)}`, 'use one of the StalwartEvent types');
  }
}

/**
 * Encodes a batch exactly as a Stalwart node would publish it. Refuses (BroadcastEncodeError)
 * more than 100 events — Stalwart's publisher never sends more in one message — and values its
 * fields cannot hold.
 */
export function encodeBroadcast(batch: StalwartBatch): Buffer {
  if (batch.events.length > DEFAULTS.maxBatchEvents) {
    refuse(`${batch.events.length} events in one batch, Stalwart sends at most ${DEFAULTS.maxBatchEvents}`, 'split them (publish() does)');
  }
  const out: number[] = [];
  writeLeb128(out, uint(batch.nodeId, 0xffff, 'nodeId'));
  for (const e of batch.events) writeEvent(out, e);
  return Buffer.from(out);
}
