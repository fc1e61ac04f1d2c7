import { EventBusConfigError } from './errors.js';

/** Event type names: dot-separated lower-case segments, like `mailbox.changed` or `ip.blocked`. */
const TYPE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const PATTERN = /^(\*\*|\*|[a-z][a-z0-9_-]*)(\.(\*\*|\*|[a-z][a-z0-9_-]*))*$/;

export function assertEventType(type: string): void {
  if (!TYPE.test(type)) {
    throw new EventBusConfigError(
      `event type "${type}" is not valid: use dot-separated lower-case segments of letters, digits, '_' and '-' (like mailbox.changed).`,
    );
  }
}

/**
 * The declared types a pattern matches, for handlers that subscribe by pattern: `*` is one
 * segment, `**` any number of segments (also none), anything else must match exactly.
 * `mailbox.*` matches `mailbox.changed` but not `mailbox.flags.changed`; `mailbox.**` both.
 */
export function matchPattern(pattern: string, type: string): boolean {
  const p = pattern.split('.');
  const t = type.split('.');
  const walk = (i: number, j: number): boolean => {
    if (i === p.length) return j === t.length;
    const seg = p[i];
    if (seg === '**') return walk(i + 1, j) || (j < t.length && walk(i, j + 1));
    if (j === t.length) return false;
    return (seg === '*' || seg === t[j]) && walk(i + 1, j + 1);
  };
  return walk(0, 0);
}

export function assertPattern(pattern: string): void {
  if (!PATTERN.test(pattern)) {
    throw new EventBusConfigError(
      `pattern "${pattern}" is not valid: dot-separated segments that are a name, '*' (one segment) or '**' (any).`,
    );
  }
}

/** Which declared types a handler registered with `pattern` receives. */
export type Matching<Types extends string, P extends string> = P extends Types
  ? P
  : P extends '*' | '**'
    ? Types
    : P extends `${infer Pre}.**`
      ? Extract<Types, `${Pre}.${string}`>
      : P extends `${infer Pre}.*`
        ? Extract<Types, `${Pre}.${string}`>
        : never;
