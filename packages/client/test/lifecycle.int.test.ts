import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSentinel } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/exit-after-close.ts', import.meta.url));

describe('closing a client', () => {
  it('leaves no socket and no timer: a process that ran through a failover exits within a second of quit()', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 3 });
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, t.url, '4000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
    while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 20));
    await (await t.primary()).kill();
    const exitAt = await exited;
    const closedAt = Number(/closed (\d+)/.exec(out)?.[1]);
    expect(closedAt).toBeGreaterThan(0);
    expect(exitAt - closedAt).toBeLessThan(1000);
  }, 60_000);
});
