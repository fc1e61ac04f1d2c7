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

/** A URL, environment variable or option that cannot describe a connection. */
export class CoordisConfigError extends CoordisError {
  /** The part that is wrong: `scheme`, `host`, `port`, `db`, `masterName`, `query.tls`, `env.PREFIX_PORT`… */
  readonly part: string;

  constructor(part: string, message: string) {
    super('COORDIS_CONFIG', message);
    this.part = part;
  }
}

/** The server is out of memory and refused a write; retrying will not help. */
export class OutOfMemoryError extends CoordisError {
  constructor(cause: Error) {
    super(
      'COORDIS_OOM',
      'Redis refused the write: used memory is above maxmemory (OOM). Raise maxmemory or free memory; for coordination data use `maxmemory-policy noeviction` so Redis refuses writes instead of evicting locks and counters. The command was not applied.',
      { cause },
    );
  }
}

/**
 * A write was sent to a connection that died before it answered, so it may or may not have
 * been applied. Under the `'safe'` delivery policy coordis rejects it instead of sending it
 * again and risking applying it twice; read the state, or send it with `delivery: 'always'`
 * when it is idempotent.
 */
export class UnknownOutcomeError extends CoordisError {
  readonly command: string;

  constructor(command: string, reason: string, options?: { cause?: unknown }) {
    super(
      'COORDIS_UNKNOWN_OUTCOME',
      `${command.toUpperCase()} may or may not have been applied: ${reason}. It was not sent again, so it cannot have been applied twice; check the state before retrying, or use delivery 'always' for idempotent commands.`,
      options,
    );
    this.command = command;
  }
}

/** A durable write reached the primary but not enough replicas acknowledged it in time. */
export class DurabilityError extends CoordisError {
  readonly command: string;
  readonly wanted: number;
  readonly acknowledged: number;

  constructor(command: string, wanted: number, acknowledged: number, timeoutMs: number) {
    super(
      'COORDIS_NOT_DURABLE',
      `${command.toUpperCase()} was applied on the primary but only ${acknowledged} of ${wanted} required replicas acknowledged it within ${timeoutMs} ms, so a failover now could lose it. Check replica health (INFO replication) or lower durable.replicas.`,
    );
    this.command = command;
    this.wanted = wanted;
    this.acknowledged = acknowledged;
  }
}

/** No connection could be made in time; the command was never sent. */
export class ConnectionUnavailableError extends CoordisError {
  constructor(what: string, waitedMs: number, options?: { cause?: unknown }) {
    super(
      'COORDIS_UNAVAILABLE',
      `${what}: no usable connection to the primary for ${waitedMs} ms, so it was not sent. The last connection error is in \`cause\`.`,
      options,
    );
  }
}

/** The server kept answering "not now" (READONLY, LOADING, BUSY…) until the command's deadline. */
export class RetriesExhaustedError extends CoordisError {
  constructor(command: string, attempts: number, waitedMs: number, cause: Error) {
    super(
      'COORDIS_RETRIES_EXHAUSTED',
      `${command.toUpperCase()} was refused ${attempts} times over ${waitedMs} ms (last: ${cause.message.split('\n')[0]}) and was never applied. Check that a writable primary exists (Sentinel's view, INFO replication).`,
      { cause },
    );
  }
}

/** Sentinels answered but none knows the master name. */
export class MasterNameUnknownError extends CoordisError {
  readonly masterName: string;

  constructor(masterName: string, sentinels: readonly string[]) {
    super(
      'COORDIS_MASTER_NAME_UNKNOWN',
      `no sentinel monitors a master named "${masterName}" (asked ${sentinels.join(', ')}). Check the name (?name= in the URL, SENTINEL MASTERS on a sentinel lists the right one).`,
    );
    this.masterName = masterName;
  }
}

/** No sentinel could be reached; each one's own failure is in `causes`. */
export class SentinelsUnreachableError extends CoordisError {
  readonly causes: Readonly<Record<string, string>>;

  constructor(causes: Readonly<Record<string, string>>) {
    const list = Object.entries(causes)
      .map(([addr, why]) => `${addr}: ${why}`)
      .join('; ');
    super(
      'COORDIS_SENTINELS_UNREACHABLE',
      `no sentinel answered (${list}). Check the sentinel addresses and ports (default 26379), their credentials (sentinelPassword) and TLS (sentinelTls).`,
    );
    this.causes = causes;
  }
}

/** The primary Sentinel named could not be connected to. */
export class MasterUnreachableError extends CoordisError {
  readonly announced: string;
  readonly dialled: string;

  constructor(announced: string, dialled: string, cause: Error) {
    const mapped = announced === dialled ? '' : ` (mapped from ${announced} by natMap)`;
    super(
      'COORDIS_MASTER_UNREACHABLE',
      `Sentinel names ${announced} as the primary but ${dialled}${mapped} cannot be reached: ${cause.message}. If Sentinel announces addresses this host cannot reach (NAT, containers), map them with natMap.`,
      { cause },
    );
    this.announced = announced;
    this.dialled = dialled;
  }
}

/** Fewer sentinels than `sentinelQuorum` agree on the primary, so writes are not routed. */
export class NoQuorumError extends CoordisError {
  readonly wanted: number;
  readonly agreeing: number;

  constructor(wanted: number, agreeing: number, candidate: string, answered: number) {
    super(
      'COORDIS_NO_QUORUM',
      `only ${agreeing} of the ${answered} sentinels that answered name ${candidate} as the primary; sentinelQuorum asks for ${wanted}. Writes wait for the sentinels to agree (a partition, or a failover under way); check SENTINEL CKQUORUM on each.`,
    );
    this.wanted = wanted;
    this.agreeing = agreeing;
  }
}

/** Authentication failed on a sentinel or a data node. */
export class AuthError extends CoordisError {
  readonly target: 'sentinel' | 'data';

  constructor(target: 'sentinel' | 'data', address: string, cause: Error) {
    const fix =
      target === 'sentinel'
        ? 'sentinels have their own credentials: set sentinelUsername / sentinelPassword'
        : 'set the username and password of the data nodes (the URL userinfo)';
    super(
      'COORDIS_AUTH',
      `authentication to the ${target === 'sentinel' ? 'sentinel' : 'Redis server'} at ${address} failed (${cause.message.split(' ')[0]}): ${fix}.`,
      {
        cause,
      },
    );
    this.target = target;
  }
}

/** The TLS handshake failed: wrong CA, wrong name, or TLS on one side only. */
export class TlsError extends CoordisError {
  constructor(address: string, cause: Error) {
    super(
      'COORDIS_TLS',
      `TLS to ${address} failed: ${cause.message}. Check the CA (tls.ca), the name the certificate must carry (tls.servername), and that both sides speak TLS (rediss://, ?tls=true).`,
      { cause },
    );
  }
}

export const isConfigError = (e: unknown): e is CoordisConfigError => hasCode(e, 'COORDIS_CONFIG');
export const isOutOfMemoryError = (e: unknown): e is OutOfMemoryError => hasCode(e, 'COORDIS_OOM');
export const isUnknownOutcomeError = (e: unknown): e is UnknownOutcomeError => hasCode(e, 'COORDIS_UNKNOWN_OUTCOME');
export const isDurabilityError = (e: unknown): e is DurabilityError => hasCode(e, 'COORDIS_NOT_DURABLE');
export const isNoQuorumError = (e: unknown): e is NoQuorumError => hasCode(e, 'COORDIS_NO_QUORUM');
