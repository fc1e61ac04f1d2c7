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

/** Like example(), for one that is meant to exit non-zero: its output and exit code. */
async function failingExample(name: string, env: Record<string, string>): Promise<{ stdout: string; code: number }> {
  try {
    return { stdout: await example(name, env), code: 0 };
  } catch (e) {
    const failure = e as { stdout: string; code: number };
    return { stdout: failure.stdout, code: failure.code };
  }
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
    const [, acked, , , counter] =
      /acknowledged (\d+) increments \((\d+) with an unknown outcome, (\d+) not confirmed by a replica in time\), counter is (\d+)/.exec(
        out,
      ) ?? [];
    expect(acked, out).toBeDefined();
    // Durable writes: every acknowledged increment survived the failover.
    expect(Number(counter)).toBeGreaterThanOrEqual(Number(acked));
  });

  it('typed-events: one node hears the other, typed and validated', async () => {
    await using s = await startStandalone();
    const out = await example('typed-events', { REDIS_URL: s.url });
    expect(out).toContain('push-1 got mailbox.changed from imap-1: account 42, INBOX');
    expect(out).toContain('push-1 handled 3 events, invalid 0');
  });

  it('lock-fencing: the resource refuses the worker whose lease ran out', async () => {
    await using s = await startStandalone();
    const out = await example('lock-fencing', { REDIS_URL: s.url });
    expect(out).toMatch(/resource: accepted worker B \(token \d+\)/);
    expect(out).toMatch(/resource: refused worker A \(token (\d+) < \d+\)/);
    expect(out).toContain('A releases: {"released":false,"reason":"not-owner"}');
    expect(out).toContain('using() returned 42');
  });

  it('ratelimit-fail2ban: limits per account and IP, and blocks the brute-forcing address', async () => {
    await using s = await startStandalone();
    const out = await example('ratelimit-fail2ban', { REDIS_URL: s.url });
    expect(out.match(/alice attempt \d: welcome/g)).toHaveLength(5);
    expect(out).toMatch(/alice attempt 6: rate limited, retry in \d+ s/);
    expect(out).toContain('attacker attempt 3: wrong password — address now blocked');
    expect(out).toContain('attacker attempt 4: blocked by fail2ban');
    expect(out).toContain('blocked now: 203.0.113.66');
    expect(out).toContain('after unblock: welcome');
  });

  it('doctor-from-code: accepts a deployment fit for coordination and refuses one that evicts', async () => {
    await using good = await startStandalone({ config: { appendonly: 'yes', 'maxmemory-policy': 'noeviction' } });
    expect(await example('doctor-from-code', { REDIS_URL: good.url })).toContain('deployment accepted: starting the service');
    await using bad = await startStandalone({ config: { maxmemory: '64mb', 'maxmemory-policy': 'allkeys-lru' } });
    const refused = await failingExample('doctor-from-code', { REDIS_URL: bad.url });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/FAIL memory\.eviction-policy/);
    expect(refused.stdout).toContain('deployment refused: the service does not start');
  });

  it('stalwart-broadcast: follows stwt.agora batches byte for byte as Stalwart sends them', async () => {
    await using s = await startStandalone();
    const cwd = fileURLToPath(new URL('../examples/stalwart-broadcast/', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'index.ts', '--replay'], {
      cwd,
      env: { ...process.env, REDIS_URL: s.url },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/node 3: account 42 changed \w+/);
    expect(stdout).toContain('blocked IP added (registry id 1001)');
    expect(stdout).toContain('certificate insert (registry id 9)');
    expect(stdout).toContain('invalid batch (unknown-tag at byte 1); 0 events before it were delivered');
  });
});
