import { createKeyspace } from '@coordis/keyspace';
import { STALWART_RATE_LIMITS, type StalwartRateLimitName } from '@coordis/ratelimit';
import { StalwartArgumentError } from './errors.js';
import {
  type ReportThrottleInput,
  reportThrottleHash,
  type SieveIdInput,
  type SmtpThrottleInput,
  sieveIdHash,
  smtpThrottleHash,
} from './hashed-keys.js';
import { blobQuotaWindow, rateWindow } from './rate-window.js';
import { lowercaseAddress } from './stalwart-address.js';

// Thin, typed builders over @coordis/keyspace's Stalwart table: the keyspace owns the binary
// layout (prefix byte, raw segments, IPs as 4 or 16 octets, big-endian integers) and is tested
// byte for byte; these functions add what Stalwart's callers do before a key exists — the
// window of the clock, lower-casing and punycode, queue-name padding, hashing.

const keyspace = createKeyspace({ mode: 'binary' });
const ns = keyspace.stalwart;

/** What a rate-limit key of each namespace is built from, as Stalwart's callers key it. */
export type RateLimitSubject<N extends StalwartRateLimitName> = N extends 'KV_RATE_LIMIT_RCPT'
  ? { readonly ip: string } | { readonly rcpt: string }
  : N extends 'KV_RATE_LIMIT_AUTH'
    ? { readonly ip: string } | { readonly login: string }
    : N extends 'KV_RATE_LIMIT_SMTP'
      ? { readonly hash: Uint8Array }
      : N extends 'KV_RATE_LIMIT_HTTP_AUTHENTICATED' | 'KV_RATE_LIMIT_IMAP'
        ? { readonly accountId: number }
        : { readonly ip: string };

/** The clock a key depends on: the limiter's period (whole seconds) and the moment (default now). */
export interface RateWindowInput {
  readonly periodS: number;
  /** @default Date.now() */
  readonly nowMs?: number;
}

/** The blob-quota window: Stalwart's temporary-upload TTL (whole seconds) and the moment. */
export interface BlobWindowInput {
  readonly ttlS: number;
  /** @default Date.now() */
  readonly nowMs?: number;
}

/** The WebDAV collections Stalwart locks (`main_collection()` of crates/types/src/collection.rs). */
export const DAV_COLLECTIONS = Object.freeze({ Calendar: 8, AddressBook: 10, FileNode: 12 } as const);

/** A WebDAV collection Stalwart locks. */
export type DavCollection = keyof typeof DAV_COLLECTIONS;

interface KeyBuilder {
  key(values: Readonly<Record<string, unknown>>): Buffer;
}

function has<K extends string>(o: object, k: K): o is Record<K, unknown> {
  return Object.hasOwn(o, k);
}

function subjectValues(name: StalwartRateLimitName, subject: object): Record<string, unknown> {
  switch (name) {
    case 'KV_RATE_LIMIT_RCPT':
    case 'KV_RATE_LIMIT_AUTH': {
      // Stalwart keys an IP by its octets and a recipient or login by its UTF-8 bytes, in one
      // namespace (the keyspace's `material` segment).
      if (has(subject, 'ip')) return { subject: { ip: subject.ip } };
      const field = name === 'KV_RATE_LIMIT_RCPT' ? 'rcpt' : 'login';
      return { subject: has(subject, field) ? subject[field] : undefined };
    }
    case 'KV_RATE_LIMIT_SMTP':
      return { hash: has(subject, 'hash') ? subject.hash : undefined };
    case 'KV_RATE_LIMIT_HTTP_AUTHENTICATED':
    case 'KV_RATE_LIMIT_IMAP':
      return { accountId: has(subject, 'accountId') ? subject.accountId : undefined };
    default:
      return { ip: has(subject, 'ip') ? subject.ip : undefined };
  }
}

function rateLimit<N extends StalwartRateLimitName>(name: N, subject: RateLimitSubject<N>, window: RateWindowInput): Buffer {
  if (!STALWART_RATE_LIMITS.includes(name)) {
    throw new StalwartArgumentError(
      'name',
      'is not one of Stalwart’s rate-limit namespaces',
      `use one of ${STALWART_RATE_LIMITS.join(', ')}`,
    );
  }
  const w = rateWindow(window.periodS, window.nowMs ?? Date.now());
  return (ns[name] as unknown as KeyBuilder).key({ ...subjectValues(name, subject), window: w.window });
}

function queueName(name: string): Uint8Array {
  const bytes = Buffer.from(name, 'utf8');
  // QueueName::new (crates/common/src/config/smtp/queue.rs): 1 to 8 bytes, zero-padded to 8.
  if (bytes.length < 1 || bytes.length > 8) {
    throw new StalwartArgumentError(
      'queueName',
      'must be 1 to 8 bytes of UTF-8',
      "use the queue's name as configured in Stalwart (`default`, …)",
    );
  }
  const padded = new Uint8Array(8);
  padded.set(bytes);
  return padded;
}

/**
 * Builders of the keys Stalwart writes, byte for byte (as Buffers). Each takes typed inputs and,
 * where the key depends on it, the time; the hashed ones (`smtpThrottle`, `reportThrottle`,
 * `sieveId`) return a Promise, since the hasher loads WebAssembly the first time.
 */
export const stalwartKeys = {
  /** KV_ACME: a TLS-ALPN-01 challenge certificate by `domain`, or an HTTP-01 proof by `token`. */
  acme(input: { readonly domain: string } | { readonly token: string }): Buffer {
    return ns.KV_ACME.key({ key: 'domain' in input ? input.domain : input.token });
  },

  /** KV_OAUTH: an authorisation, device or user code. */
  oauth(input: { readonly code: string }): Buffer {
    return ns.KV_OAUTH.key({ code: input.code });
  },

  /**
   * A rate-limit bucket of any KV_RATE_LIMIT_* namespace: the subject's bytes, then the window
   * `floor(now_s / max(1, periodS))` as a big-endian u64.
   */
  rateLimit,

  /** KV_RATE_LIMIT_SMTP: the bucket of an inbound or outbound SMTP throttle, hashed as Stalwart hashes it. */
  async smtpThrottle(input: SmtpThrottleInput, nowMs?: number): Promise<Buffer> {
    const hash = await smtpThrottleHash(input);
    return rateLimit('KV_RATE_LIMIT_SMTP', { hash }, { periodS: input.rate.periodS, nowMs: nowMs ?? Date.now() });
  },

  /** KV_RATE_LIMIT_SMTP: the bucket of a DKIM, DMARC or SPF failure-report throttle. */
  async reportThrottle(input: ReportThrottleInput, nowMs?: number): Promise<Buffer> {
    const hash = await reportThrottleHash(input);
    return rateLimit('KV_RATE_LIMIT_SMTP', { hash }, { periodS: input.rate.periodS, nowMs: nowMs ?? Date.now() });
  },

  /** KV_QUOTA_BLOB: an account's temporary-upload counter in the window `now / ttlS`. */
  blobQuota(input: { readonly accountId: number }, window: BlobWindowInput): Buffer {
    const w = blobQuotaWindow(window.ttlS, window.nowMs ?? Date.now());
    return ns.KV_QUOTA_BLOB.key({ accountId: input.accountId, window: w.window });
  },

  /**
   * KV_GREYLIST: the sender then the recipient, each lower-cased with punycode domains as the
   * SMTP session holds them (see `lowercaseAddress`), no separator; the null sender is `''`.
   */
  greylist(input: { readonly sender: string; readonly rcpt: string }): Buffer {
    return ns.KV_GREYLIST.key({ senderRecipient: lowercaseAddress(input.sender) + lowercaseAddress(input.rcpt) });
  },

  /** KV_LOCK_QUEUE_MESSAGE: a queued message's lock, by queue id and queue name (1-8 bytes). */
  queueMessageLock(input: { readonly queueId: bigint; readonly queueName: string }): Buffer {
    return ns.KV_LOCK_QUEUE_MESSAGE.key({ queueId: input.queueId, queueName: queueName(input.queueName) });
  },

  /** KV_LOCK_TASK: a background task's lock, by task id. */
  taskLock(input: { readonly taskId: bigint }): Buffer {
    return ns.KV_LOCK_TASK.key({ taskId: input.taskId });
  },

  /** KV_LOCK_DAV: the WebDAV locks of an account's collection. */
  davLock(input: { readonly accountId: number; readonly collection: DavCollection }): Buffer {
    const collection = DAV_COLLECTIONS[input.collection];
    if (collection === undefined) {
      throw new StalwartArgumentError(
        'collection',
        'is not a collection Stalwart locks',
        `use one of ${Object.keys(DAV_COLLECTIONS).join(', ')}`,
      );
    }
    return ns.KV_LOCK_DAV.key({ accountId: input.accountId, collection });
  },

  /** KV_SIEVE_ID: a Sieve duplicate id an account's script has seen, hashed as Stalwart hashes it. */
  async sieveId(input: SieveIdInput): Promise<Buffer> {
    return ns.KV_SIEVE_ID.key({ hash: await sieveIdHash(input) });
  },
} as const;
