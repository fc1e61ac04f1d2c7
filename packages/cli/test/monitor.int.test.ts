import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocatePort, type SentinelTopology, startSentinel } from '@coordis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorSnapshot } from '../src/monitor/snapshot.js';
import { eventually, requireBin, runBin, startBin } from './support/bin.js';

describe('coordis monitor', () => {
  let t: SentinelTopology;

  beforeAll(async () => {
    t = await startSentinel({});
  });
  afterAll(async () => {
    await t.stop();
  });

  it('prints one JSON snapshot of the whole topology with --once --json', async () => {
    const run = await runBin(['monitor', t.url, '--once', '--json', '--interval', '300']);
    expect(run.code).toBe(0);
    const snap = JSON.parse(run.stdout) as MonitorSnapshot;
    const primary = await t.primary();
    expect(snap.schemaVersion).toBe(1);
    expect(snap.mode).toBe('sentinel');
    expect(snap.primary).toBe(`${primary.host}:${primary.port}`);
    expect(snap.nodes.map((n) => [n.role, n.up])).toEqual([
      ['primary', true],
      ['replica', true],
      ['replica', true],
    ]);
    expect(snap.sentinels.map((s) => [s.up, s.quorum?.ok, s.epoch])).toEqual([
      [true, true, 0],
      [true, true, 0],
      [true, true, 0],
    ]);
    expect(snap.latency?.samples).toBeGreaterThan(0);
    expect(snap.nodes[1]?.replication?.link).toBe('up');
  });

  it('exits 3 with --once when nothing answers', async () => {
    const port = await allocatePort('127.0.0.1');
    const run = await runBin(['monitor', `redis://127.0.0.1:${port}`, '--once']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`down=127.0.0.1:${port}`);
  });

  it('prints one line per refresh without a terminal, and stops cleanly on SIGINT', async () => {
    const child = startBin(['monitor', t.url, '--interval', '200']);
    try {
      await eventually(
        'three refresh lines',
        () =>
          child
            .output()
            .split('\n')
            .filter((l) => l.includes(' sentinel primary=')).length >= 3,
        child.output,
      );
    } finally {
      child.kill('SIGINT');
    }
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    const line = child
      .output()
      .split('\n')
      .find((l) => l.includes(' sentinel primary='));
    expect(line).toMatch(/^\d\d:\d\d:\d\d sentinel primary=127\.0\.0\.1:\d+ .* nodes=3\/3up .* sentinels=3\/3 quorum=3ok epoch=0/);
  });
});

describe('coordis monitor in a terminal (tmux)', () => {
  let t: SentinelTopology;
  // Our own tmux server, on a socket in our own directory, so nothing else's sessions are touched.
  const dir = mkdtempSync(join(tmpdir(), 'coordis-cli-tmux-'));
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', join(dir, 'socket'), '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const screen = () => {
    try {
      return tmux('capture-pane', '-p', '-t', 'mon');
    } catch (e) {
      return String(e);
    }
  };

  beforeAll(async () => {
    t = await startSentinel({});
  });
  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
    await t.stop();
  });

  it('shows the topology, follows a failover with +switch-master in its event pane, and restores the terminal on Ctrl-C', async () => {
    const bin = requireBin();
    const old = await t.primary();
    const oldAddr = `${old.host}:${old.port}`;
    // The pane's shell ignores Ctrl-C as an interactive shell does for its foreground job (which
    // alone gets the SIGINT), then prints the monitor's exit status on the normal screen.
    // (The shell then sleeps: Linux may drop a pty's last output when its last writer exits.)
    const command = `trap '' INT; ${process.execPath} ${bin} monitor "${t.url}" --interval 250; echo "coordis exited with $?"; exec sleep 60`;
    tmux('new-session', '-d', '-s', 'mon', '-x', '170', '-y', '50', command, ';', 'set-option', '-t', 'mon', 'remain-on-exit', 'on');
    await eventually('the first screen', () => screen().includes('SENTINEL EVENTS') && screen().includes('PING'), screen);
    const before = screen();
    expect(before).toMatch(new RegExp(`${oldAddr.replace(/\./g, '\\.')}\\s+primary`));
    expect(before).toMatch(/SENTINEL\s+QUORUM\s+EPOCH/);

    await old.kill();
    const sw = await t.watch.waitForSwitchMaster({ timeoutMs: 20_000 });
    const newAddr = `${sw.to.host}:${sw.to.port}`;
    await eventually(
      'the failover on screen',
      () => {
        const s = screen();
        return (
          s.includes(`+switch-master ${t.masterName} ${old.host} ${old.port} ${sw.to.host} ${sw.to.port}`) &&
          new RegExp(`${newAddr.replace(/\./g, '\\.')}\\s+primary`).test(s)
        );
      },
      screen,
    );
    const after = screen();
    // The old primary is still listed (as Sentinel lists it), and shown down.
    expect(after).toMatch(new RegExp(`${oldAddr.replace(/\./g, '\\.')}\\s+DOWN`));
    // The failover counter moved on every sentinel.
    expect(after).toMatch(/OK 3 usable Sentinels[^\n]*\s+1\s+/);

    tmux('send-keys', '-t', 'mon', 'C-c');
    await eventually(
      'the monitor to exit',
      () => screen().includes('coordis exited with'),
      () => JSON.stringify(screen()),
    );
    const last = screen();
    expect(last).toContain('coordis exited with 0');
    // The alternate screen was left: the monitor's screen is gone from the terminal.
    expect(last).not.toContain('SENTINEL EVENTS');
  });
});
