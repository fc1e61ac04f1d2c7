/**
 * Redis stream entry ids (`<ms>-<seq>`, both unsigned 64-bit decimals), compared and stepped as
 * text, so ids past 2^53 stay exact without a BigInt per comparison.
 */

/** The smallest id: "before every entry". */
export const ZERO_ID = '0-0';

const MAX_SEQ = '18446744073709551615';

function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function parts(id: string): [string, string] {
  const dash = id.indexOf('-');
  return dash < 0 ? [id, '0'] : [id.slice(0, dash), id.slice(dash + 1)];
}

/** Negative, zero or positive as `a` sorts before, with or after `b` in a stream. */
export function compareStreamIds(a: string, b: string): number {
  if (a === b) return 0;
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return compareDecimal(am, bm) || compareDecimal(as, bs);
}

/** The millisecond part of an id: the server's clock when the entry was added. */
export function streamIdMs(id: string): number {
  return Number(parts(id)[0]);
}

/** The id right after `id` (the next sequence number, or the next millisecond). */
export function nextStreamId(id: string): string {
  const [ms, seq] = parts(id);
  return seq === MAX_SEQ ? `${BigInt(ms) + 1n}-0` : `${ms}-${BigInt(seq) + 1n}`;
}

/** The id right before `id`; `0-0` stays `0-0`. */
export function previousStreamId(id: string): string {
  const [ms, seq] = parts(id);
  if (seq !== '0') return `${ms}-${BigInt(seq) - 1n}`;
  return ms === '0' ? ZERO_ID : `${BigInt(ms) - 1n}-${MAX_SEQ}`;
}
