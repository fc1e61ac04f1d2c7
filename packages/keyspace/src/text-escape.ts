// How a segment's text is written into a text-mode key. Four characters carry structure in a
// key: `:` separates segments, `{` and `}` delimit a Redis Cluster hash tag, and `%` starts an
// escape. A segment never contains them raw, so splitting a key on `:` gives back exactly its
// segments, and the first `{` … `}` of a key is always the one the namespace put there.
//
// The empty segment is written as a lone `%`, which no other text escapes to: a segment's text
// is never empty, so a hash tag is never `{}` (Redis hashes the whole key for an empty tag,
// which would split keys meant to share a slot) and `a::b` is never a key.

const ESCAPES: Readonly<Record<string, string>> = { '%': '%25', ':': '%3A', '{': '%7B', '}': '%7D' };
const UNESCAPES: Readonly<Record<string, string>> = { '%25': '%', '%3A': ':', '%7B': '{', '%7D': '}' };
const RESERVED = /[%:{}]/g;

/** The characters that never appear raw in an escaped segment. */
export const RESERVED_CHARACTERS = ['%', ':', '{', '}'] as const;

/** Escapes a segment's text for a text-mode key (see the module comment for the rules). */
export function escapeSegment(text: string): string {
  if (text === '') return '%';
  return text.replace(RESERVED, (c) => ESCAPES[c] ?? c);
}

/**
 * Inverts {@link escapeSegment}; `undefined` for text it never produces (a raw reserved
 * character, an unknown or lower-case escape), so every key that decodes is canonical.
 */
export function unescapeSegment(escaped: string): string | undefined {
  if (escaped === '%') return '';
  if (escaped === '') return undefined;
  let out = '';
  for (let i = 0; i < escaped.length; ) {
    const c = escaped.charAt(i);
    if (c === '%') {
      const decoded = UNESCAPES[escaped.slice(i, i + 3)];
      if (decoded === undefined) return undefined;
      out += decoded;
      i += 3;
    } else if (c === ':' || c === '{' || c === '}') {
      return undefined;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
