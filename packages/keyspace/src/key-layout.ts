import type { AnySegment } from './segment.js';
import { escapeSegment, unescapeSegment } from './text-escape.js';

/** How keys are written: Stalwart's binary layout, or readable text. */
export type KeyMode = 'text' | 'binary';

/** The type of a key in a mode: a Buffer in binary mode, a string in text mode. */
export type KeyOf<M extends KeyMode> = M extends 'binary' ? Buffer : string;

/** Everything that decides a namespace's keys. */
export interface KeyLayout {
  readonly mode: KeyMode;
  /** The application prefix of text keys; unused in binary mode. */
  readonly app: string;
  readonly prefix: number;
  readonly segments: readonly AnySegment[];
  /** How many leading segments form the Cluster hash tag (0: no tag). */
  readonly tagged: number;
}

/** A key decoded into its segments' canonical values, in segment order, or why it is not a key. */
export type DecodedKey = { readonly ok: true; readonly values: readonly unknown[] } | { readonly ok: false; readonly problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `<app>:<prefix>`: what every text key of the namespace starts with. */
export function textHead(layout: KeyLayout): string {
  return `${layout.app}:${layout.prefix}`;
}

/**
 * Binary: the prefix byte, then each segment's bytes, no separators (Stalwart's layout).
 * Text: `<app>:<prefix>`, then `:` and each escaped segment; the first `tagged` segments sit
 * inside one `{…}` hash tag: `app:200:{orders}:42`.
 */
export function encodeKey(layout: KeyLayout, values: readonly unknown[]): string | Buffer {
  if (layout.mode === 'binary') {
    return Buffer.concat([Buffer.of(layout.prefix), ...layout.segments.map((s, i) => s.toBytes(values[i]))]);
  }
  const parts = layout.segments.map((s, i) => escapeSegment(s.toText(values[i])));
  if (layout.tagged > 0) parts.splice(0, layout.tagged, `{${parts.slice(0, layout.tagged).join(':')}}`);
  return [textHead(layout), ...parts].join(':');
}

function decodeBinary(layout: KeyLayout, key: Buffer): DecodedKey {
  if (key.length === 0 || key[0] !== layout.prefix) return { ok: false, problem: 'its first byte is not the prefix' };
  const fixed = layout.segments.reduce((sum, s) => sum + (s.width ?? 0), 0);
  const variableAt = layout.segments.findIndex((s) => s.width === undefined);
  const body = key.length - 1;
  if (variableAt < 0 ? body !== fixed : body < fixed) return { ok: false, problem: 'its length does not fit the segments' };
  const values: unknown[] = [];
  let at = 1;
  for (const [i, s] of layout.segments.entries()) {
    const width = i === variableAt ? body - fixed : (s.width ?? 0);
    const value = s.fromBytes(key.subarray(at, at + width));
    if (value === undefined) return { ok: false, problem: `segment ${s.name} does not decode` };
    values.push(value);
    at += width;
  }
  return { ok: true, values };
}

function decodeText(layout: KeyLayout, key: string): DecodedKey {
  const head = textHead(layout);
  if (!key.startsWith(head)) return { ok: false, problem: 'it does not start with the application and prefix' };
  const rest = key.slice(head.length);
  const n = layout.segments.length;
  if (n === 0) return rest === '' ? { ok: true, values: [] } : { ok: false, problem: 'the namespace has no segments' };
  if (!rest.startsWith(':')) return { ok: false, problem: 'no separator after the prefix' };
  let texts: string[];
  if (layout.tagged > 0) {
    const close = rest.indexOf('}');
    if (rest[1] !== '{' || close < 0) return { ok: false, problem: 'the hash tag is missing' };
    const inTag = rest.slice(2, close).split(':');
    const after = rest.slice(close + 1);
    const untagged = after === '' ? [] : after.startsWith(':') ? after.slice(1).split(':') : undefined;
    if (!untagged) return { ok: false, problem: 'no separator after the hash tag' };
    if (inTag.length !== layout.tagged) return { ok: false, problem: 'the hash tag holds the wrong number of segments' };
    texts = [...inTag, ...untagged];
  } else {
    texts = rest.slice(1).split(':');
  }
  if (texts.length !== n) return { ok: false, problem: `it has ${texts.length} segments, the namespace ${n}` };
  const values: unknown[] = [];
  for (const [i, s] of layout.segments.entries()) {
    const raw = unescapeSegment(texts[i] ?? '');
    const value = raw === undefined ? undefined : s.fromText(raw);
    if (value === undefined) return { ok: false, problem: `segment ${s.name} does not decode` };
    values.push(value);
  }
  return { ok: true, values };
}

/** Inverts {@link encodeKey}: only keys it produces decode, so a decoded key is canonical. */
export function decodeKey(layout: KeyLayout, key: string | Uint8Array): DecodedKey {
  if (layout.mode === 'binary') return decodeBinary(layout, typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key));
  if (typeof key === 'string') return decodeText(layout, key);
  try {
    return decodeText(layout, utf8.decode(key));
  } catch {
    return { ok: false, problem: 'it is not UTF-8' };
  }
}
