import { StalwartArgumentError } from './errors.js';
import { blake3Of } from './hashers.js';

// Key material Stalwart hashes before it becomes a key: SMTP throttles (KV_RATE_LIMIT_SMTP) and
// Sieve duplicate ids (KV_SIEVE_ID), each a 32-byte BLAKE3 digest of fields fed to one hasher in
// a fixed order, with no separators.

/** A Stalwart rate: `count` events per `periodS` seconds (registry Rate: count u64, period). */
export interface StalwartRate {
  /** Events allowed per window (a whole number). */
  readonly count: number;
  /** The window, whole seconds (`period.as_secs()`). */
  readonly periodS: number;
}

/**
 * The variables an SMTP throttle is keyed by, as Stalwart resolves them for the session
 * (inbound) or the queued message (outbound). A property present means the throttle's key
 * includes that variable (its `keys` bit is set), even when empty; pass the values as Stalwart
 * holds them (recipients and senders lower-cased and with punycode domains in an inbound
 * session — see `lowercaseAddress`; IP addresses as text, `192.0.2.1`).
 */
export interface SmtpThrottleInput {
  /** Inbound limiters are checked with `'inbound'` (crates/smtp/src/core/throttle.rs), queue limiters with `'outbound'` (crates/smtp/src/queue/throttle.rs). */
  readonly context: 'inbound' | 'outbound';
  /** The throttle's rate: it is part of the hash, so changing it starts a new counter. */
  readonly rate: StalwartRate;
  readonly rcpt?: string;
  readonly rcptDomain?: string;
  /** The envelope sender; empty (the null sender) is hashed as `<>`. */
  readonly sender?: string;
  /** The sender's domain; empty is hashed as `<>`. */
  readonly senderDomain?: string;
  readonly heloDomain?: string;
  readonly authenticatedAs?: string;
  /** The listener's id. */
  readonly listener?: string;
  readonly mx?: string;
  readonly remoteIp?: string;
  readonly localIp?: string;
}

/** A DKIM, DMARC or SPF report throttle: one recipient of failure reports. */
export interface ReportThrottleInput {
  /** The report address (a DMARC `ruf` URI as written, `mailto:…`). */
  readonly rcpt: string;
  readonly context: 'dkim' | 'dmarc' | 'spf';
  readonly rate: StalwartRate;
}

/** A Sieve `duplicate` id already seen by an account's active script. */
export interface SieveIdInput {
  readonly accountId: number;
  /** The active script version's hash (u32; 0 when it has none). */
  readonly scriptHash: number;
  /** The id the script tested (`duplicate :uniqueid`, a Message-ID…). */
  readonly id: string;
}

// The order crates/smtp/src/core/throttle.rs (NewKey for QueueRateLimiter) feeds the hasher.
const THROTTLE_ORDER = [
  'rcpt',
  'rcptDomain',
  'sender',
  'senderDomain',
  'heloDomain',
  'authenticatedAs',
  'listener',
  'mx',
  'remoteIp',
  'localIp',
] as const satisfies readonly (keyof SmtpThrottleInput)[];

const utf8 = (s: string) => Buffer.from(s, 'utf8');

function u64(value: number, name: string, littleEndian: boolean): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StalwartArgumentError(name, 'must be a whole, non-negative number', 'pass the value of the Stalwart setting');
  }
  const b = Buffer.alloc(8);
  if (littleEndian) b.writeBigUInt64LE(BigInt(value));
  else b.writeBigUInt64BE(BigInt(value));
  return b;
}

function u32(value: number, name: string): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new StalwartArgumentError(name, 'must be an integer from 0 to 2^32-1', 'pass the id Stalwart uses');
  }
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}

/**
 * The 32-byte hash an SMTP throttle's counter is keyed by (KV_RATE_LIMIT_SMTP): BLAKE3 of the
 * selected variables in Stalwart's order, the period in seconds and the count as big-endian u64,
 * and the context.
 */
export function smtpThrottleHash(input: SmtpThrottleInput): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const name of THROTTLE_ORDER) {
    const value = input[name];
    if (value === undefined) continue;
    parts.push(utf8((name === 'sender' || name === 'senderDomain') && value === '' ? '<>' : value));
  }
  parts.push(u64(input.rate.periodS, 'rate.periodS', false), u64(input.rate.count, 'rate.count', false), utf8(input.context));
  return blake3Of(parts);
}

/**
 * The 32-byte hash of a report throttle (crates/smtp/src/core/throttle.rs, `throttle_rcpt`):
 * BLAKE3 of the recipient, the context, then the period and count as u64 in the *native* byte
 * order — little-endian on every platform Stalwart ships for (x86-64, aarch64).
 */
export function reportThrottleHash(input: ReportThrottleInput): Promise<Buffer> {
  return blake3Of([
    utf8(input.rcpt),
    utf8(input.context),
    u64(input.rate.periodS, 'rate.periodS', true),
    u64(input.rate.count, 'rate.count', true),
  ]);
}

/** The 32-byte hash of a Sieve duplicate id (crates/email/src/sieve/mod.rs, `SeenIdHash::new`). */
export function sieveIdHash(input: SieveIdInput): Promise<Buffer> {
  return blake3Of([u32(input.accountId, 'accountId'), u32(input.scriptHash, 'scriptHash'), utf8(input.id)]);
}
