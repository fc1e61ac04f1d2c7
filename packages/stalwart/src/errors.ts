import { CoordisError, hasCode } from '@coordis/client';

// Messages name the argument or the kind of key, never a key's content or a value: logins,
// addresses and OAuth codes are personal data or secrets, and these messages end up in logs.

/** An argument no Stalwart key, rate or lock can be built from (a queue name over 8 bytes, a fractional period…). */
export class StalwartArgumentError extends CoordisError {
  /** The argument that was refused. */
  readonly argument: string;

  constructor(argument: string, problem: string, fix: string) {
    super('COORDIS_STALWART_ARGUMENT', `${argument}: ${problem}; ${fix}.`);
    this.argument = argument;
  }
}

/** An event or a batch that Stalwart's broadcast format cannot carry (a value out of range, more than 100 events). */
export class BroadcastEncodeError extends CoordisError {
  constructor(problem: string, fix: string) {
    super('COORDIS_STALWART_BROADCAST_ENCODE', `stwt.agora batch: ${problem}; ${fix}.`);
  }
}

/** A key holds something that is not in Stalwart's format (a counter that is not an integer, a lock value that is not a timestamp). */
export class StalwartValueError extends CoordisError {
  constructor(what: string, fix: string) {
    super('COORDIS_STALWART_VALUE', `${what} is not in Stalwart's format; ${fix}.`);
  }
}

/** A sharded store described with fewer than two stores, as Stalwart refuses too. */
export class StalwartShardsError extends CoordisError {
  constructor(problem: string, fix: string) {
    super('COORDIS_STALWART_SHARDS', `sharded in-memory store: ${problem}; ${fix}.`);
  }
}

/** True for {@link StalwartArgumentError}, also from another copy of the package. */
export function isStalwartArgumentError(e: unknown): e is StalwartArgumentError {
  return hasCode(e, 'COORDIS_STALWART_ARGUMENT');
}

/** True for {@link BroadcastEncodeError}, also from another copy of the package. */
export function isBroadcastEncodeError(e: unknown): e is BroadcastEncodeError {
  return hasCode(e, 'COORDIS_STALWART_BROADCAST_ENCODE');
}

/** True for {@link StalwartValueError}, also from another copy of the package. */
export function isStalwartValueError(e: unknown): e is StalwartValueError {
  return hasCode(e, 'COORDIS_STALWART_VALUE');
}

/** True for {@link StalwartShardsError}, also from another copy of the package. */
export function isStalwartShardsError(e: unknown): e is StalwartShardsError {
  return hasCode(e, 'COORDIS_STALWART_SHARDS');
}
