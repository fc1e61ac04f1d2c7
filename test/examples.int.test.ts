import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSentinel, startStandalone } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs examples/<name>/index.ts as a user would, with REDIS_URL pointing at a testkit topology. */
async function example(name: string, env: Record<string, string>, during?: () => Promise<void>) {
  const cwd = fileURLToPath(new URL(`../examples/${name}/`, import.meta.url));
  const child = run(process.execPath, ['--import', 'tsx', 'index.ts'], { cwd, env: { ...process.env, ...env }, timeout: 60_000 });
  if (during) await during();
  const { stdout } = await child;
  return stdout;
}

describe('examples', () => {
  it('connect-sentinel: connects through a sentinel URL and reports the failover it rides out', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3 });
    const out = await example('connect-sentinel', { REDIS_URL: t.url, RUN_SECONDS: '6' }, async () => {
      await new Promise((r) => setTimeout(r, 2000));
      await (await t.primary()).kill();
    });
    expect(out).toMatch(/connected to the primary at 127\.0\.0\.1:\d+/);
    expect(out).toMatch(/failover: 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ \(detected by switch-master/);
    const [, acked, , counter] = /acknowledged (\d+) increments \((\d+) with an unknown outcome\), counter is (\d+)/.exec(out) ?? [];
    // Durable writes: every acknowledged increment survived the failover.
    expect(Number(counter)).toBeGreaterThanOrEqual(Number(acked));
  });

  it('typed-events: one node hears the other, typed and validated', async () => {
    await using s = await startStandalone();
    const out = await example('typed-events', { REDIS_URL: s.url });
    expect(out).toContain('push-1 got mailbox.changed from imap-1: account 42, INBOX');
    expect(out).toContain('push-1 handled 3 events, invalid 0');
  });
});
