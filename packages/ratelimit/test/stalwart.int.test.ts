import { createKeyspace } from '@coordis/keyspace';
import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRateLimits, STALWART_RATE_LIMITS, windowOf } from '../src/index.js';
import { deploy } from './support/topology.js';

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let client: Redis | Cluster;
  beforeAll(() => {
    client = d.client;
  });

  describe("Stalwart's rate-limit presets", () => {
    it("count under Stalwart's key for the window floor(now / period), in a binary keyspace", async () => {
      const ks = createKeyspace({ mode: 'binary' });
      const imap = createRateLimits(client, { keyspace: ks }).stalwart.KV_RATE_LIMIT_IMAP({ limit: 3, periodMs: 60_000 });
      const r = await imap.check({ accountId: 42 }, { cost: 2 });
      const window = windowOf(r.atMs, 60_000);
      const key = ks.stalwart.KV_RATE_LIMIT_IMAP.key({ accountId: 42, window });
      // Prefix byte 10, the account id as a big-endian u32, then the window as a big-endian u64.
      expect(key.subarray(0, 5).toString('hex')).toBe('0a0000002a');
      expect(key.readBigUInt64BE(5)).toBe(BigInt(window));
      expect(await client.get(key)).toBe('2');
      expect(await client.pexpiretime(key)).toBe((window + 1) * 60_000);
    });

    it('offer a typed limiter for every KV_RATE_LIMIT_* namespace', async () => {
      const rl = createRateLimits(client, { keyspace: createKeyspace({ app: 'stw' }) });
      expect(Object.keys(rl.stalwart).sort()).toEqual([...STALWART_RATE_LIMITS].sort());
      const smtp = rl.stalwart.KV_RATE_LIMIT_SMTP({ limit: 1, periodMs: 1000 });
      const hash = new Uint8Array(32).fill(7);
      expect((await smtp.check({ hash })).allowed).toBe(true);
      expect((await smtp.check({ hash })).allowed).toBe(false);
      const anon = rl.stalwart.KV_RATE_LIMIT_HTTP_ANONYMOUS({ limit: 1, periodMs: 60_000 });
      expect((await anon.check({ ip: '2001:db8::1' })).allowed).toBe(true);
      expect((await anon.check({ ip: '2001:0db8:0::1' })).allowed).toBe(false);
    });
  });
});
