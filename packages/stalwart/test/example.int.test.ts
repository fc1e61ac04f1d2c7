import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startStandalone } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import { BROADCAST_FIXTURES, INVALID_BROADCAST_FIXTURES } from './fixtures/stalwart-fixtures.js';

const run = promisify(execFile);

describe('examples/follow-broadcast.ts', () => {
  it('follows a replay of the fixture batches and prints state changes, blocked IPs and invalid batches', async () => {
    await using s = await startStandalone();
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/follow-broadcast.ts', '--replay'], {
      cwd,
      env: { ...process.env, REDIS_URL: s.url },
      timeout: 60_000,
    });
    expect(stdout).toContain('following stwt.agora on redis://127.0.0.1:');
    expect(stdout).toContain('node 1: state change in account 42: Email, Mailbox, Thread (change 1234567)');
    expect(stdout).toContain('node 3: IP blocked (BlockedIp 5)');
    expect(stdout).toContain('node 3: IP unblocked (BlockedIp 5)');
    expect(stdout).toContain('node 4: certificate insert (Certificate 1099511627776)');
    expect(stdout).toContain('node 7: outbound queue paused');
    expect(stdout).toMatch(/invalid batch from node 11: unknown-tag at byte 5 .*; 1 event\(s\) before it delivered/);
    expect(stdout).toContain('node 11: state change in account 42: Email (change 7)');
    const events = [...BROADCAST_FIXTURES, ...INVALID_BROADCAST_FIXTURES].reduce((n, f) => n + f.events.length, 0);
    const batches = BROADCAST_FIXTURES.length + INVALID_BROADCAST_FIXTURES.length;
    expect(stdout).toContain(`followed ${batches} batches: ${events} events, ${INVALID_BROADCAST_FIXTURES.length} invalid`);
  });
});
