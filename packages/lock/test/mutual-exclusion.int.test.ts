import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTopology, topologyKinds } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import { checkLock, mostInside, readSections, type Section } from './support/sections.js';
import { type Fixture, spawnFixture } from './support/spawn-fixture.js';

const PROCESSES = 4;
const WORKERS = 8;
// Per topology: three runs of 7 s, about the one run of 20 s there was before topologies.
const DURATION_MS = 7_000;
const LOCKS = ['ledger', 'mailbox', 'report'];
const SEMAPHORE = 'smtp-slots';
const LIMIT = 3;

describe.each(topologyKinds())('mutual exclusion under contention on %s', (kind) => {
  it(`holds across ${PROCESSES} processes × ${WORKERS} workers for ${DURATION_MS / 1000} s: no overlapping sections, strictly increasing tokens per lock`, async () => {
    await using t = await startTopology(kind);
    const dir = mkdtempSync(join(tmpdir(), 'coordis-lock-mutex-'));
    const fixtures: Fixture[] = [];
    try {
      for (let p = 0; p < PROCESSES; p++) {
        fixtures.push(
          spawnFixture('contender', [
            t.url,
            join(dir, `p${p}.jsonl`),
            String(WORKERS),
            String(DURATION_MS),
            LOCKS.join(','),
            SEMAPHORE,
            String(LIMIT),
          ]),
        );
      }
      const summaries = await Promise.all(
        fixtures.map(async (f) => JSON.parse(await f.line(DURATION_MS + 40_000)) as Record<string, number>),
      );
      expect(await Promise.all(fixtures.map((f) => f.exited))).toEqual(fixtures.map(() => 0));

      const sections = readSections(dir, PROCESSES);
      const byLock = new Map<string, Section[]>();
      for (const s of sections) byLock.set(s.k, [...(byLock.get(s.k) ?? []), s]);
      const report = Object.fromEntries(
        LOCKS.map((name) => {
          const mine = byLock.get(name) ?? [];
          return [name, { sections: mine.length, ...checkLock(mine) }];
        }),
      );
      const semSections = byLock.get(SEMAPHORE) ?? [];
      console.log(
        'mutual exclusion check:',
        JSON.stringify({ report, semaphore: { sections: semSections.length, mostInside: mostInside(semSections) }, summaries }),
      );

      for (const name of LOCKS) {
        expect(report[name]?.sections, `${name}: sections recorded`).toBeGreaterThan(500);
        expect(report[name]?.overlaps, `${name}: overlapping critical sections`).toBe(0);
        expect(report[name]?.tokenRegressions, `${name}: tokens not strictly increasing`).toBe(0);
      }
      expect(semSections.length).toBeGreaterThan(250);
      expect(mostInside(semSections)).toBeLessThanOrEqual(LIMIT);
      expect(new Set(semSections.map((s) => s.t)).size).toBe(semSections.length);
      // Every process got sections in, and the short waits did run out now and then.
      for (const s of summaries) expect(s.sections).toBeGreaterThan(0);
      expect(summaries.reduce((n, s) => n + (s.timeouts ?? 0) + (s.aborts ?? 0), 0)).toBeGreaterThan(0);
    } finally {
      await Promise.all(fixtures.map((f) => f.kill()));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
