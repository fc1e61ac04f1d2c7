import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster } from '@coordis/client';
import { type RedisNode, startCluster } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import { createLocks } from '../src/index.js';
import { checkLock, readSections } from './support/sections.js';
import { type Fixture, spawnFixture } from './support/spawn-fixture.js';
import { sleep, until } from './support/until.js';

const PROCESSES = 3;
const WORKERS = 8;
// Long enough for the kill at 1 s, the promotion and plenty of work on both sides of it.
const DURATION_MS = 12_000;
const LOCKS = ['ledger', 'mailbox', 'report'];
const SEMAPHORE = 'smtp-slots';

describe('a Cluster master SIGKILLed under lock load', () => {
  it('keeps every durable lock exclusive with growing tokens across the promotion, and work resumes on the promoted replica', async () => {
    await using t = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const admin = await connectCluster(t.url);
    const dir = mkdtempSync(join(tmpdir(), 'coordis-lock-cluster-failover-'));
    const fixtures: Fixture[] = [];
    try {
      // The victim serves the slot of the 'ledger' lock: its holders live through the failover.
      const probe = createLocks(admin);
      const slot = Number(await admin.cluster('KEYSLOT', probe.lock('ledger').key));
      probe.close();
      const owner = (await t.view()).find((l) => l.role === 'master' && l.slots.some(([a, b]) => a <= slot && slot <= b));
      const victim = t.nodes.find((n) => n.port === owner?.port) as RedisNode;

      for (let p = 0; p < PROCESSES; p++) {
        fixtures.push(
          spawnFixture('contender', [
            t.url,
            join(dir, `p${p}.jsonl`),
            String(WORKERS),
            String(DURATION_MS),
            LOCKS.join(','),
            SEMAPHORE,
            '3',
            'durable',
          ]),
        );
      }
      // Let the contenders start and take leases, then kill the master mid-load.
      await until(async () => Number(await victim.call('HLEN', String(probe.lock('ledger').key))) > 0, 20_000, 'a ledger lease');
      await sleep(1000);
      const killedAt = process.hrtime.bigint();
      await victim.kill();
      await t.waitForHealthy();
      const promotedAt = process.hrtime.bigint();
      // The old master comes back as the new one's replica, so durable leases can be acknowledged again.
      await victim.start();
      await t.waitForHealthy();

      const summaries = await Promise.all(
        fixtures.map(async (f) => JSON.parse(await f.line(DURATION_MS + 60_000)) as Record<string, number>),
      );
      expect(await Promise.all(fixtures.map((f) => f.exited))).toEqual(fixtures.map(() => 0));
      const sections = readSections(dir, PROCESSES);
      const ledger = sections.filter((s) => s.k === 'ledger');
      const report = {
        perLock: Object.fromEntries(LOCKS.map((name) => [name, checkLock(sections.filter((s) => s.k === name))])),
        ledgerBeforeKill: ledger.filter((s) => s.b < killedAt).length,
        ledgerAfterPromotion: ledger.filter((s) => s.a > promotedAt).length,
        errors: summaries.reduce((n, s) => n + (s.errors ?? 0), 0),
        sections: sections.length,
      };
      console.info('cluster lock failover:', JSON.stringify(report));

      for (const name of LOCKS) {
        expect(report.perLock[name]?.overlaps, `${name}: overlapping critical sections`).toBe(0);
        expect(report.perLock[name]?.tokenRegressions, `${name}: tokens not strictly increasing`).toBe(0);
      }
      expect(report.ledgerBeforeKill).toBeGreaterThan(0);
      expect(report.ledgerAfterPromotion).toBeGreaterThan(0);
    } finally {
      await Promise.all(fixtures.map((f) => f.kill()));
      admin.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
