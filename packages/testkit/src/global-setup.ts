import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { listTestkitServers } from './strays.js';

/**
 * A vitest `globalSetup` (also usable from any runner): it tags every server that test
 * workers start with one run id, and at teardown fails the run if any of them is still
 * alive, after giving the per-process reapers a moment to finish. Add it to your
 * vitest config as `globalSetup: ['@coordis/testkit/global-setup']`.
 */
export default function setup(): () => Promise<void> {
  const run = randomBytes(6).toString('hex');
  process.env.COORDIS_TESTKIT_RUN = run;
  return async function teardown(): Promise<void> {
    let left = listTestkitServers({ run });
    for (let i = 0; i < 30 && left.length > 0; i++) {
      await sleep(100);
      left = listTestkitServers({ run });
    }
    if (left.length === 0) return;
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    throw new Error(
      `@coordis/testkit: ${left.length} server(s) outlived the test run and were killed now:\n${left.map((p) => `  pid ${p.pid}: ${p.title}`).join('\n')}`,
    );
  };
}
