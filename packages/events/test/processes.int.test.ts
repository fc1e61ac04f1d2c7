import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startStandalone } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/node-process.ts', import.meta.url));

function runNode(
  url: string,
  nodeId: string,
  count: number,
  peers: number,
): Promise<{ nodeId: string; received: { type: string; origin: string; key: string }[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, url, nodeId, 'processes', String(count), String(peers)], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}')) : reject(new Error(`node ${nodeId} exited ${code}: ${err}`)),
    );
  });
}

describe('three node processes on one bus', () => {
  it('exchange events of several types, typed and validated end to end', async () => {
    await using s = await startStandalone();
    const count = 50;
    const results = await Promise.all(['alpha', 'beta', 'gamma'].map((id) => runNode(s.url, id, count, 3)));
    for (const r of results) {
      const others = ['alpha', 'beta', 'gamma'].filter((id) => id !== r.nodeId);
      expect(r.received).toHaveLength(count * 3 * 2);
      expect(r.received.every((e) => others.includes(e.origin))).toBe(true);
      for (const other of others) {
        const mail = r.received.filter((e) => e.origin === other && e.type === 'mailbox.changed').map((e) => e.key);
        expect(mail).toEqual(Array.from({ length: count }, (_, i) => `${other}#${i}`));
        expect(r.received.filter((e) => e.origin === other && e.type === 'stalwart.certificate.ready')).toHaveLength(count);
        expect(r.received.filter((e) => e.origin === other && e.type === 'ip.blocked')).toHaveLength(count);
      }
    }
  }, 60_000);
});
