import { describe, expect, it } from 'vitest';
import { createKeyspace } from '../src/index.js';

// Expected bytes are written by hand from Stalwart's layout, not produced by this package:
// one prefix byte (crates/common/src/lib.rs), then the key material its callers append with
// no separator, for rate limits followed by the window number as a big-endian u64
// (crates/store/src/dispatch/lookup.rs, is_rate_allowed). Source: stalwartlabs/stalwart at
// commit d72608f3e2d530c6560aaf2c7c290afd72671b82; the file of each caller is named per case.
//
// WINDOW = 30 000 000 = 0x01c9c380, so its eight bytes are 00 00 00 00 01 c9 c3 80.
const WINDOW = 30_000_000n;
const W = '0000000001c9c380';

const ks = createKeyspace({ mode: 'binary' });
const kv = ks.stalwart;

const cases: { what: string; key: Buffer; hex: string }[] = [
  {
    // crates/common/src/network/security.rs: ip_to_bytes(&ip) → 4 octets for IPv4.
    what: 'KV_RATE_LIMIT_AUTH, IPv4 192.0.2.1',
    key: kv.KV_RATE_LIMIT_AUTH.key({ subject: { ip: '192.0.2.1' }, window: WINDOW }),
    hex: `05 c0000201 ${W}`,
  },
  {
    // ip_to_bytes → 16 octets for IPv6: 2001:0db8:0000:…:0001.
    what: 'KV_RATE_LIMIT_AUTH, IPv6 2001:db8::1',
    key: kv.KV_RATE_LIMIT_AUTH.key({ subject: { ip: '2001:db8::1' }, window: WINDOW }),
    hex: `05 20010db8 00000000 00000000 00000001 ${W}`,
  },
  {
    // crates/common/src/network/listen.rs converts IPv4-mapped IPv6 peers to IPv4 first.
    what: 'KV_RATE_LIMIT_AUTH, IPv4-mapped ::ffff:192.0.2.1 (keyed as IPv4)',
    key: kv.KV_RATE_LIMIT_AUTH.key({ subject: { ip: '::ffff:192.0.2.1' }, window: WINDOW }),
    hex: `05 c0000201 ${W}`,
  },
  {
    // security.rs: login.as_bytes() — 'alice@example.org' in ASCII.
    what: 'KV_RATE_LIMIT_AUTH, login alice@example.org',
    key: kv.KV_RATE_LIMIT_AUTH.key({ subject: 'alice@example.org', window: WINDOW }),
    hex: `05 616c696365 40 6578616d706c65 2e 6f7267 ${W}`,
  },
  {
    // security.rs: KV_RATE_LIMIT_SCAN by ip: 198.51.100.7 = c6 33 64 07.
    what: 'KV_RATE_LIMIT_SCAN, IPv4 198.51.100.7',
    key: kv.KV_RATE_LIMIT_SCAN.key({ ip: '198.51.100.7', window: WINDOW }),
    hex: `03 c6336407 ${W}`,
  },
  {
    // crates/common/src/auth/rate_limit.rs: KV_RATE_LIMIT_HTTP_ANONYMOUS by ip; ::1 is fifteen 00 and 01.
    what: 'KV_RATE_LIMIT_HTTP_ANONYMOUS, IPv6 ::1',
    key: kv.KV_RATE_LIMIT_HTTP_ANONYMOUS.key({ ip: '::1', window: WINDOW }),
    hex: `09 ${'00'.repeat(15)}01 ${W}`,
  },
  {
    // rate_limit.rs: account_id().to_be_bytes() — 42 = 00 00 00 2a.
    what: 'KV_RATE_LIMIT_HTTP_AUTHENTICATED, account 42',
    key: kv.KV_RATE_LIMIT_HTTP_AUTHENTICATED.key({ accountId: 42, window: WINDOW }),
    hex: `08 0000002a ${W}`,
  },
  {
    // crates/smtp/src/core/throttle.rs: the 32-byte BLAKE3 hash of the throttle key.
    what: 'KV_RATE_LIMIT_SMTP, a hash of 32 × ff',
    key: kv.KV_RATE_LIMIT_SMTP.key({ hash: Buffer.alloc(32, 0xff), window: WINDOW }),
    hex: `06 ${'ff'.repeat(32)} ${W}`,
  },
  {
    // crates/common/src/storage/blob.rs: account id (u32) then range_start (u64).
    what: 'KV_QUOTA_BLOB, account 0xdeadbeef',
    key: kv.KV_QUOTA_BLOB.key({ accountId: 0xdeadbeef, window: WINDOW }),
    hex: `0b deadbeef ${W}`,
  },
  {
    // crates/services/src/task_manager/lock.rs: id.to_be_bytes(); KV_LOCK_TASK = 23 = 0x17.
    what: 'KV_LOCK_TASK, task 0x0102030405060708',
    key: kv.KV_LOCK_TASK.key({ taskId: 0x0102030405060708n }),
    hex: '17 0102030405060708',
  },
  {
    what: 'KV_LOCK_TASK, task 42 given as a number',
    key: kv.KV_LOCK_TASK.key({ taskId: 42 }),
    hex: '17 000000000000002a',
  },
  {
    // crates/smtp/src/queue/spool.rs, lock_id: queue id (u64) then QueueName's 8 bytes, 'default\0'.
    what: 'KV_LOCK_QUEUE_MESSAGE, queue id 7 in the default queue',
    key: kv.KV_LOCK_QUEUE_MESSAGE.key({ queueId: 7n, queueName: Buffer.from('default\0', 'latin1') }),
    hex: '15 0000000000000007 64656661756c7400',
  },
  {
    // crates/dav/src/common/lock.rs, build_lock_key: account (u32) then the collection byte; 25 = 0x19.
    what: 'KV_LOCK_DAV, account 1, collection 3',
    key: kv.KV_LOCK_DAV.key({ accountId: 1, collection: 3 }),
    hex: '19 00000001 03',
  },
  {
    // crates/http/src/auth/oauth/auth.rs: code.as_bytes() — 'Zk9_é' is 5a 6b 39 5f then é = c3 a9.
    what: 'KV_OAUTH, a UTF-8 code',
    key: kv.KV_OAUTH.key({ code: 'Zk9_é' }),
    hex: '01 5a6b395f c3a9',
  },
  {
    // crates/common/src/network/acme/resolver.rs: the domain's bytes.
    what: 'KV_ACME, domain example.com',
    key: kv.KV_ACME.key({ key: 'example.com' }),
    hex: '00 6578616d706c65 2e 636f6d',
  },
  {
    // crates/smtp/src/inbound/rcpt.rs: lower-case sender then recipient, no separator; 16 = 0x10.
    what: 'KV_GREYLIST, sender@example.org → rcpt@example.net',
    key: kv.KV_GREYLIST.key({ senderRecipient: 'sender@example.org' + 'rcpt@example.net' }),
    hex: '10 73656e646572 40 6578616d706c65 2e6f7267 72637074 40 6578616d706c65 2e 6e6574',
  },
  {
    // crates/email/src/sieve/mod.rs, SeenIdHash::key: the 32-byte hash; 26 = 0x1a.
    what: 'KV_SIEVE_ID, hash 00 01 … 1f',
    key: kv.KV_SIEVE_ID.key({ hash: Buffer.from(Array.from({ length: 32 }, (_, i) => i)) }),
    hex: `1a ${Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')).join('')}`,
  },
];

describe("binary keys are Stalwart's layout, byte for byte", () => {
  it.each(cases)('$what', ({ key, hex }) => {
    expect(key.toString('hex')).toBe(hex.replaceAll(' ', ''));
  });

  it.each(cases)('$what decodes back to its namespace', ({ key }) => {
    const found = ks.identify(key);
    expect(found).toBeDefined();
    expect(found?.namespace.key(found.values)).toEqual(key);
  });
});
