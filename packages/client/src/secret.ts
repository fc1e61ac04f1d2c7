import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential that never shows itself by accident: `String()`, template literals,
 * `JSON.stringify`, `util.inspect` and pino all see `[redacted]`. Only `reveal()` gives the
 * value, and only the code that authenticates calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Accepts a string or a Secret; an empty string means "no credential". */
export function toSecret(value: string | Secret | undefined): Secret | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Secret) return value;
  return value === '' ? undefined : new Secret(value);
}

/**
 * A URL with its password (and any `password`-like query value) replaced, safe for messages
 * and logs. Works on text that is not a valid URL too, because it is used on bad input.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_m, scheme: string, userinfo: string) => {
      const i = userinfo.indexOf(':');
      return i < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, i)}:${REDACTED}@`;
    })
    .replace(/([?&#](?:[a-z_]*password|[a-z_]*pass|auth|token)=)[^&#]*/gi, `$1${REDACTED}`);
}
