import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connect } from '@coordis/client';
import { startStandalone } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import { createEventBus, type Envelope } from '../src/index.js';
import { mailEvents, until } from './support.js';

const fixture = fileURLToPath(new URL('./fixtures/once-node.ts', import.meta.url));

interface Report {
  redelivered: number;
  collisionErrors: number;
  handled: number;
  duplicates: number;
}

interface Run {
  child: ChildProcess;
  last: () => Report | undefined;
  /** Every handler call of the run: the event's seq and whether it came flagged redelivered. */
  calls: { seq: number; redelivered: boolean }[];
}

function startNode(url: string, namespace: string, list: string, killAt = -1): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, url, namespace, 'worker', list, String(killAt)], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last: Report | undefined;
  const calls: Run['calls'] = [];
  let buffered = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{')) last = JSON.parse(line) as Report;
      else calls.push({ seq: Number.parseInt(line, 10), redelivered: line.endsWith('redelivered') });
    }
  });
  return { child, last: () => last, calls };
}

describe('a durable node killed (SIGKILL) and restarted twice during 10,000 events', () => {
  it('handles each exactly once in total, in stream order, and the same events re-published with their ids once', async () => {
    await using s = await startStandalone();
    const namespace = 'once';
    const publisherClient = await connect(s.url);
    const publisher = createEventBus({ client: publisherClient, nodeId: 'publisher', namespace, events: mailEvents, mode: 'durable' });
    const list = `${publisher.keys.hashTag}:handled`;
    const count = async () => Number(await publisherClient.llen(list));
    // The first run dies (SIGKILL) inside the handler of event 3000, the second inside 7000's.
    const runs = [startNode(s.url, namespace, list, 3000)];
    await until(() => runs[0]?.last() !== undefined, 30_000, 'the node to start');

    const sent: Envelope<'mailbox.changed', { account: number; mailbox: string; seq: number }>[] = [];
    const publishing = (async () => {
      for (let chunk = 0; chunk < 100; chunk++) {
        const batch = Array.from({ length: 100 }, (_, i) =>
          publisher.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: chunk * 100 + i }),
        );
        sent.push(...(await Promise.all(batch)));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const committedAtKill: number[] = [];
    for (const next of [7000, -1]) {
      const [, signal] = (await once((runs.at(-1) as Run).child, 'close')) as [number | null, string | null];
      expect(signal).toBe('SIGKILL');
      committedAtKill.push(await count());
      runs.push(startNode(s.url, namespace, list, next));
    }
    await publishing;
    const current = runs.at(-1) as Run;
    const lastEntry = async () => (await publisherClient.xrevrange(publisher.keys.stream, '+', '-', 'COUNT', 1))[0]?.[0];
    const caughtUp = async () => (await publisherClient.hget(publisher.keys.checkpoints, 'worker')) === (await lastEntry());
    for (let done = false; !done; done = await caughtUp()) await new Promise((r) => setTimeout(r, 20));
    expect(await count()).toBe(10_000);

    // The same 10,000 again, with the same ids: a publisher retrying, an outbox replayed.
    for (let i = 0; i < sent.length; i += 100) {
      await Promise.all(sent.slice(i, i + 100).map((e) => publisher.publish('mailbox.changed', e.payload, { id: e.id })));
    }
    for (let done = false; !done; done = await caughtUp()) await new Promise((r) => setTimeout(r, 20));
    await until(() => (current.last()?.duplicates ?? 0) >= 10_000, 10_000, 'the re-published events seen as duplicates');

    const handled = (await publisherClient.lrange(list, 0, -1)).map(Number);
    const inStream = (await publisherClient.xrange(publisher.keys.stream, '-', '+', 'COUNT', 10_000)).map(
      ([, fields]) => (JSON.parse(fields[1] as string) as { payload: { seq: number } }).payload.seq,
    );
    expect(handled).toHaveLength(10_000);
    expect(new Set(handled).size).toBe(10_000);
    expect(handled).toEqual(inStream);

    // 'close', not 'exit': only then has every line the child wrote been read.
    const exited = once(current.child, 'close');
    current.child.kill('SIGTERM');
    await exited;
    // Handler calls did repeat: a killed run had handled events it never committed. Their
    // effects, written through ctx.tx, were dropped with the uncommitted batch; the run after
    // it handled them again, flagged redelivered.
    const calls = runs.flatMap((r, run) => r.calls.map((c) => ({ ...c, run })));
    const firstRun = new Map<number, number>();
    const repeated = calls.filter((c) => {
      const earlier = firstRun.get(c.seq);
      if (earlier === undefined) firstRun.set(c.seq, c.run);
      return earlier !== undefined && earlier < c.run;
    });
    expect(firstRun.size).toBe(10_000);
    // Exactly the events a killed run handled without committing were handled again, by the next run.
    for (const [i, committed] of committedAtKill.entries()) {
      const uncommitted = (runs[i] as Run).calls.length - (committed - (committedAtKill[i - 1] ?? 0));
      expect(uncommitted).toBeGreaterThanOrEqual(1);
      expect(repeated.filter((c) => c.run === i + 1)).toHaveLength(uncommitted);
    }
    expect(repeated.every((c) => c.redelivered)).toBe(true);
    // The flag covers what a killed run may have handled past its last commit: a checkpoint
    // may wait for up to readCount events (commitIntervalMs), then one more batch was read, so
    // at most 2 × readCount per restart.
    expect(calls.filter((c) => c.redelivered).length).toBeLessThanOrEqual(2 * 2 * 500);
    const reports = runs.map((r) => r.last() as Report);
    expect(reports.reduce((n, r) => n + r.collisionErrors, 0)).toBe(0);
    // A clean close leaves no run marker: the next start flags nothing.
    expect(await publisherClient.hget(publisher.keys.node.replace(/publisher$/, 'worker'), 'run')).toBeNull();
    await publisher.close();
    publisherClient.disconnect();
  }, 90_000);
});
