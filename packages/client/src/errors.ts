/**
 * The base of every error coordis throws. `code` is stable and survives serialisation (a
 * worker thread, a log pipeline, a second copy of the package), so callers tell errors apart
 * by code or by the type guards, not only by `instanceof`. Messages say what to do; they
 * never carry a secret.
 */
export class CoordisError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** What a log line or a JSON response should carry: name, code and message. */
  toJSON(): { name: string; code: string; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

const BRAND = Symbol.for('coordis.error');
Object.defineProperty(CoordisError.prototype, BRAND, { value: true });

/** True for any coordis error, also one thrown by another copy of the package. */
export function isCoordisError(e: unknown): e is CoordisError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as Record<symbol, unknown>)[BRAND] === true &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}

/** True when `e` is a coordis error with this code. */
export function hasCode(e: unknown, code: string): boolean {
  return isCoordisError(e) && e.code === code;
}
