import { connect } from '@coordis/client';
import { createKeyspace } from '@coordis/keyspace';
import { nowMs, startSentinel } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import { createRateLimits } from '../src/index.js';
import { checkLoad } from './support/check-load.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('a Sentinel failover under continuous checks', () => {
  it('moves to the new primary, answers by the policy meanwhile, and counts no check twice', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
    const client = await connect(t.url);
    try {
      const rl = createRateLimits(client, {
        keyspace: createKeyspace({ app: 'fo' }),
        onUnavailable: 'open',
        deadlineMs: 200,
        blockCache: false,
      });
      const f = rl.fixedWindow({ name: 'f', limit: 1_000_000, periodMs: 86_400_000 });
      const load = checkLoad(() => f.check('k'), 10);
      const tally = load.tally;
      await sleep(300);
      const old = await t.primary();
      const killedAt = nowMs();
      await old.kill();
      const atKill = tally.redis;
      await t.watch.waitForSwitchMaster({ after: killedAt, timeoutMs: 20_000 });
      const atSwitch = tally.redis;
      while (tally.redis < atSwitch + 200) await sleep(20);
      await load.stop();
      const next = await t.waitForPrimary({ not: old });
      const now = Number(((await next.call('TIME')) as string[])[0]) * 1000;
      const held = Number((await next.call('GET', f.request('k').entry(now).key as string)) ?? 0);
      expect(tally.fallback).toBeGreaterThan(0);
      // Replication is asynchronous: the new primary may lack the last counts of the old one,
      // but it holds every check it admitted itself, and never one twice: at most the ones
      // answered by Redis, plus those in flight at the kill.
      expect(held).toBeGreaterThanOrEqual(tally.redis - atKill);
      expect(held).toBeLessThanOrEqual(tally.redis + 16);
      expect(client.address).toBe(`127.0.0.1:${next.port}`);
    } finally {
      client.disconnect();
    }
  }, 60_000);
});
