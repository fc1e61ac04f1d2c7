import { codecs } from './codec.js';
import { seg } from './segment.js';

// Stalwart's in-memory store prefixes, as crates/common/src/lib.rs of stalwartlabs/stalwart
// defines them (checked at commit d72608f3e2d530c6560aaf2c7c290afd72671b82). The key material
// after each prefix byte is what Stalwart's callers append; the file that builds it is named
// beside each entry below.

/** ACME certificates and challenge tokens. */
export const KV_ACME = 0;
/** OAuth authorisation, device and user codes. */
export const KV_OAUTH = 1;
/** Rate limit: recipients, per remote IP or per recipient address. */
export const KV_RATE_LIMIT_RCPT = 2;
/** Rate limit: messages scanned, per remote IP. */
export const KV_RATE_LIMIT_SCAN = 3;
/** Rate limit: idle (loitering) connections, per remote IP. */
export const KV_RATE_LIMIT_LOITER = 4;
/** Rate limit: authentication attempts, per remote IP or per login. */
export const KV_RATE_LIMIT_AUTH = 5;
/** Rate limit: SMTP throttles, per hashed throttle key. */
export const KV_RATE_LIMIT_SMTP = 6;
/** Rate limit: contact-form submissions, per remote IP. */
export const KV_RATE_LIMIT_CONTACT = 7;
/** Rate limit: authenticated HTTP requests, per account. */
export const KV_RATE_LIMIT_HTTP_AUTHENTICATED = 8;
/** Rate limit: anonymous HTTP requests, per remote IP. */
export const KV_RATE_LIMIT_HTTP_ANONYMOUS = 9;
/** Rate limit: IMAP, POP3 and ManageSieve requests, per account. */
export const KV_RATE_LIMIT_IMAP = 10;
/** Temporary blob upload quota, per account. */
export const KV_QUOTA_BLOB = 11;
/** Greylist entries, per sender and recipient. */
export const KV_GREYLIST = 16;
/** Locks on queued messages. */
export const KV_LOCK_QUEUE_MESSAGE = 21;
/** Locks on background tasks. */
export const KV_LOCK_TASK = 23;
/** Locks on WebDAV collections. */
export const KV_LOCK_DAV = 25;
/** Sieve auto-responder (vacation) ids already answered. */
export const KV_SIEVE_ID = 26;

/** Stalwart's table, name → prefix, exactly as Stalwart defines it. */
export const STALWART_PREFIXES = {
  KV_ACME,
  KV_OAUTH,
  KV_RATE_LIMIT_RCPT,
  KV_RATE_LIMIT_SCAN,
  KV_RATE_LIMIT_LOITER,
  KV_RATE_LIMIT_AUTH,
  KV_RATE_LIMIT_SMTP,
  KV_RATE_LIMIT_CONTACT,
  KV_RATE_LIMIT_HTTP_AUTHENTICATED,
  KV_RATE_LIMIT_HTTP_ANONYMOUS,
  KV_RATE_LIMIT_IMAP,
  KV_QUOTA_BLOB,
  KV_GREYLIST,
  KV_LOCK_QUEUE_MESSAGE,
  KV_LOCK_TASK,
  KV_LOCK_DAV,
  KV_SIEVE_ID,
} as const;

/**
 * Prefixes Stalwart used before and retired (reputation, Bayes, purge and report locks,
 * housekeeper; 27 on its 1.0 branch). Its maintenance still deletes every key starting with
 * these bytes, so a binary keyspace refuses them for application namespaces.
 */
export const STALWART_RETIRED_PREFIXES: readonly number[] = Object.freeze([12, 13, 14, 15, 17, 18, 19, 20, 22, 24, 27]);

// Rate-limit buckets: the key material, then the window number floor(now / period) as a
// big-endian u64 (crates/store/src/dispatch/lookup.rs, is_rate_allowed). Values are the
// counts INCRBY keeps.
const window = seg.u64('window');

/**
 * Stalwart's namespaces with the key shape and value codec Stalwart uses for each. Every
 * keyspace registers them, so their names and prefixes are taken; read them from
 * `keyspace.stalwart`.
 */
export const STALWART_NAMESPACES = {
  // crates/common/src/network/acme/resolver.rs and crates/http/src/request.rs: a domain or a token.
  KV_ACME: {
    prefix: KV_ACME,
    segments: [seg.string('key')],
    value: codecs.bytes,
    description: 'ACME certificates and challenge tokens, by domain or token',
  },
  // crates/http/src/auth/oauth/auth.rs: the client, device or user code as UTF-8.
  KV_OAUTH: {
    prefix: KV_OAUTH,
    segments: [seg.string('code')],
    value: codecs.bytes,
    description: 'OAuth authorisation, device and user codes',
  },
  // crates/common/src/network/security.rs: the remote IP's octets, or the recipient address.
  KV_RATE_LIMIT_RCPT: {
    prefix: KV_RATE_LIMIT_RCPT,
    segments: [seg.material('subject'), window],
    value: codecs.number,
    description: 'Rate-limit buckets for recipients, by remote IP or recipient address',
  },
  // crates/common/src/network/security.rs: the remote IP.
  KV_RATE_LIMIT_SCAN: {
    prefix: KV_RATE_LIMIT_SCAN,
    segments: [seg.ip('ip'), window],
    value: codecs.number,
    description: 'Rate-limit buckets for scanning, by remote IP',
  },
  KV_RATE_LIMIT_LOITER: {
    prefix: KV_RATE_LIMIT_LOITER,
    segments: [seg.ip('ip'), window],
    value: codecs.number,
    description: 'Rate-limit buckets for idle connections, by remote IP',
  },
  // crates/common/src/network/security.rs: the remote IP's octets, or the login as UTF-8.
  KV_RATE_LIMIT_AUTH: {
    prefix: KV_RATE_LIMIT_AUTH,
    segments: [seg.material('subject'), window],
    value: codecs.number,
    description: 'Rate-limit buckets for authentication attempts, by remote IP or login',
  },
  // crates/smtp/src/core/throttle.rs and queue/throttle.rs: a 32-byte BLAKE3 hash of the throttle key.
  KV_RATE_LIMIT_SMTP: {
    prefix: KV_RATE_LIMIT_SMTP,
    segments: [seg.fixedBytes('hash', 32), window],
    value: codecs.number,
    description: 'Rate-limit buckets for SMTP throttles, by hashed throttle key',
  },
  // crates/http/src/form/mod.rs: the remote IP.
  KV_RATE_LIMIT_CONTACT: {
    prefix: KV_RATE_LIMIT_CONTACT,
    segments: [seg.ip('ip'), window],
    value: codecs.number,
    description: 'Rate-limit buckets for contact forms, by remote IP',
  },
  // crates/common/src/auth/rate_limit.rs: the account id, big-endian u32.
  KV_RATE_LIMIT_HTTP_AUTHENTICATED: {
    prefix: KV_RATE_LIMIT_HTTP_AUTHENTICATED,
    segments: [seg.u32('accountId'), window],
    value: codecs.number,
    description: 'Rate-limit buckets for authenticated HTTP requests, by account',
  },
  // crates/common/src/auth/rate_limit.rs: the remote IP.
  KV_RATE_LIMIT_HTTP_ANONYMOUS: {
    prefix: KV_RATE_LIMIT_HTTP_ANONYMOUS,
    segments: [seg.ip('ip'), window],
    value: codecs.number,
    description: 'Rate-limit buckets for anonymous HTTP requests, by remote IP',
  },
  // crates/imap/src/core/client.rs (also pop3, managesieve): the account id, big-endian u32.
  KV_RATE_LIMIT_IMAP: {
    prefix: KV_RATE_LIMIT_IMAP,
    segments: [seg.u32('accountId'), window],
    value: codecs.number,
    description: 'Rate-limit buckets for IMAP, POP3 and ManageSieve requests, by account',
  },
  // crates/common/src/storage/blob.rs: account id (u32) and window (u64); the value packs
  // count << 44 | bytes, past 2^53, hence bigint.
  KV_QUOTA_BLOB: {
    prefix: KV_QUOTA_BLOB,
    segments: [seg.u32('accountId'), window],
    value: codecs.bigint,
    description: 'Temporary blob upload quota, by account and window',
  },
  // crates/smtp/src/inbound/rcpt.rs: lower-cased sender then lower-cased recipient, no separator.
  KV_GREYLIST: {
    prefix: KV_GREYLIST,
    segments: [seg.string('senderRecipient')],
    value: codecs.bytes,
    description: 'Greylist entries, by lower-cased sender and recipient concatenated',
  },
  // crates/smtp/src/queue/spool.rs, lock_id: queue id (u64) then the 8-byte queue name. The
  // value is the lock's expiry in Unix seconds (crates/store/src/backend/redis/lookup.rs).
  KV_LOCK_QUEUE_MESSAGE: {
    prefix: KV_LOCK_QUEUE_MESSAGE,
    segments: [seg.u64('queueId'), seg.fixedBytes('queueName', 8)],
    value: codecs.number,
    description: 'Locks on queued messages, by queue id and queue name',
  },
  // crates/services/src/task_manager/lock.rs: the task id, big-endian u64.
  KV_LOCK_TASK: {
    prefix: KV_LOCK_TASK,
    segments: [seg.u64('taskId')],
    value: codecs.number,
    description: 'Locks on background tasks, by task id',
  },
  // crates/dav/src/common/lock.rs, build_lock_key: account id (u32) then the collection byte.
  KV_LOCK_DAV: {
    prefix: KV_LOCK_DAV,
    segments: [seg.u32('accountId'), seg.u8('collection')],
    value: codecs.bytes,
    description: 'Locks on WebDAV collections, by account and collection',
  },
  // crates/email/src/sieve/mod.rs, SeenIdHash: a 32-byte BLAKE3 hash of account, hash and id.
  KV_SIEVE_ID: {
    prefix: KV_SIEVE_ID,
    segments: [seg.fixedBytes('hash', 32)],
    value: codecs.bytes,
    description: 'Sieve auto-responder ids already answered, hashed',
  },
} as const;
