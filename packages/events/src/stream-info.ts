/** What `XINFO STREAM` says about a stream, as far as a reader's position is concerned. */
export interface StreamInfo {
  /** Entries the stream holds now. */
  readonly length: number;
  /** The id of the last entry ever added (kept after that entry is trimmed). */
  readonly lastGeneratedId: string;
  /** Entries ever added (Redis ≥ 7.0); `undefined` on older servers. */
  readonly entriesAdded: number | undefined;
  /** The oldest entry still held, if any. */
  readonly firstEntryId: string | undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * Reads an `XINFO STREAM` reply (RESP2: a flat list of field names and values; entries are
 * `[id, [field, value, …]]`). Fields this parser does not know are ignored, so newer servers
 * that add fields still parse.
 */
export function parseStreamInfo(reply: unknown): StreamInfo {
  if (!Array.isArray(reply)) throw new TypeError('XINFO STREAM: expected a list reply');
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const name = text(reply[i]);
    if (name !== undefined) fields.set(name, reply[i + 1]);
  }
  const first = fields.get('first-entry');
  const added = text(fields.get('entries-added'));
  return {
    length: Number(text(fields.get('length')) ?? 0),
    lastGeneratedId: text(fields.get('last-generated-id')) ?? '0-0',
    entriesAdded: added === undefined ? undefined : Number(added),
    firstEntryId: Array.isArray(first) ? text(first[0]) : undefined,
  };
}

/**
 * Reads the reply of `stream-counters.lua`: `null` when the stream does not exist, else
 * `[length, last-generated-id, entries-added | null, first entry id | null]`.
 */
export function parseStreamCounters(reply: unknown): StreamInfo | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (!Array.isArray(reply)) throw new TypeError('stream counters: expected a list reply');
  const [length, last, added, first] = reply as unknown[];
  return {
    length: Number(text(length) ?? 0),
    lastGeneratedId: text(last) ?? '0-0',
    entriesAdded: added === null || added === undefined ? undefined : Number(text(added)),
    firstEntryId: first === null || first === undefined ? undefined : text(first),
  };
}
