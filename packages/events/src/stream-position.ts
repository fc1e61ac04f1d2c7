import { compareStreamIds, nextStreamId, ZERO_ID } from './stream-id.js';
import type { StreamInfo } from './stream-info.js';

/** Where a durable node stands in its bus's stream. */
export interface ReadPosition {
  /** The last stream id this node handled, or `0-0` before the first. */
  readonly id: string;
  /**
   * How many entries of the stream's history lie at or before `id` (what Redis calls a consumer
   * group's `entries-read`); `undefined` while it cannot be known (Redis < 7.0, or until the
   * reader next catches up after a rollback).
   */
  readonly read: number | undefined;
}

/** What a comparison of a node's position with the stream concluded. */
export type PositionVerdict =
  /** Nothing was lost; `read` may have become known. */
  | { readonly kind: 'ok'; readonly read: number | undefined }
  /**
   * Entries after the position were trimmed before this node read them: the lost ids lie
   * strictly between `afterId` and `beforeId`; `lost` counts them when the counters allow.
   */
  | {
      readonly kind: 'trimmed';
      readonly afterId: string;
      readonly beforeId: string;
      readonly lost: number | undefined;
      readonly read: number | undefined;
    }
  /** The stream no longer holds history this node already read: a failover lost its tail. */
  | { readonly kind: 'rollback' };

function caughtUp(position: ReadPosition, info: StreamInfo): number | undefined {
  return position.id === info.lastGeneratedId && info.entriesAdded !== undefined ? info.entriesAdded : position.read;
}

/**
 * Compares a node's position with what `XINFO STREAM` reports. Retention only ever trims the
 * oldest entries (MAXLEN, MINID), so `entries-added − length` entries have been deleted from
 * the front: a node that has read fewer than that lost the difference. (Redis 7.0 does not move
 * `max-deleted-entry-id` when it trims, only on XDEL, so that field cannot tell.) A tail behind
 * the position, or a history shorter than what the node read, means the stream lost entries
 * it once had: after an asynchronous-replication failover the new primary lacks the last ones.
 *
 * @param info `undefined` when the stream does not exist.
 * @param present whether the entry at `position.id` still exists (XRANGE id id), when that was
 *   asked; the read loop's fast path leaves it out.
 */
export function checkPosition(position: ReadPosition, info: StreamInfo | undefined, present?: boolean): PositionVerdict {
  if (!info) {
    return position.id === ZERO_ID && !(position.read !== undefined && position.read > 0) ? { kind: 'ok', read: 0 } : { kind: 'rollback' };
  }
  if (compareStreamIds(position.id, info.lastGeneratedId) > 0) return { kind: 'rollback' };
  if (position.read !== undefined && info.entriesAdded !== undefined && info.entriesAdded < position.read) return { kind: 'rollback' };
  // At the tail nothing can have been lost, even when retention emptied the stream.
  if (present === true || position.id === info.lastGeneratedId) return { kind: 'ok', read: caughtUp(position, info) };
  const deleted = info.entriesAdded === undefined ? undefined : info.entriesAdded - info.length;
  // An empty stream has lost everything up to its last id.
  const firstKept = info.firstEntryId ?? nextStreamId(info.lastGeneratedId);
  const missing = present === false && position.id !== ZERO_ID;
  if (position.read !== undefined && deleted !== undefined) {
    const lost = deleted - position.read;
    if (lost > 0) return { kind: 'trimmed', afterId: position.id, beforeId: firstKept, lost, read: deleted };
    if (missing && compareStreamIds(position.id, firstKept) >= 0) return { kind: 'rollback' };
    return { kind: 'ok', read: caughtUp(position, info) };
  }
  if (position.id !== ZERO_ID && compareStreamIds(position.id, firstKept) < 0) {
    // Without the counters the entry at the position is known gone, not whether any after it were.
    return { kind: 'trimmed', afterId: position.id, beforeId: firstKept, lost: undefined, read: deleted };
  }
  if (missing) return { kind: 'rollback' };
  return { kind: 'ok', read: caughtUp(position, info) };
}
