import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connect } from '@coordis/client';
import { nowMs, startSentinel } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createEventBus, type DisconnectGap } from '../src/index.js';
import { killSubscribers, mailEvents, until } from './support.js';

const burst = fileURLToPath(new URL('./fixtures/burst.mjs', import.meta.url));

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // A synchronous handler that hogs the event loop: nothing reads the subscription's socket.
  }
}

describe('a transient subscriber cut off 50 times', () => {
  it('reports 50 disconnect gaps for 48 CLIENT KILLs, an output-buffer kill and a failover, each before the events after it', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
    const listener = createEventBus({ client: await connect(t.url), nodeId: 'listener', namespace: 'cuts', events: mailEvents });
    const publisherClient = await connect(t.url);
    const publisher = createEventBus({ client: publisherClient, nodeId: 'publisher', namespace: 'cuts', events: mailEvents });
    const log: (number | DisconnectGap)[] = [];
    const gaps: DisconnectGap[] = [];
    let blockOn = -1;
    let control: Redis | undefined;
    listener.events.on('gap', (g) => {
      if (g.kind !== 'disconnect') throw new Error(`unexpected ${g.kind} gap`);
      gaps.push(g);
      log.push(g);
    });
    listener.on('mailbox.changed', (e) => {
      log.push(e.payload.seq);
      if (e.payload.seq === blockOn) {
        // Start the flood (the write leaves at once, on a plain connection), then stop reading.
        void control?.publish('cuts-go', 'go');
        busyWait(1500);
      }
    });
    await listener.start();

    // Events flow all along, so each resubscription races with them.
    let seq = 0;
    let publishing = true;
    const flow = (async () => {
      while (publishing) {
        await publisher.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: seq++ }).catch(() => {});
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const eventAfterLastGap = () => {
      const at = log.lastIndexOf(gaps.at(-1) as DisconnectGap);
      return log.slice(at + 1).some((x) => typeof x === 'number');
    };

    try {
      for (let i = 0; i < 48; i++) {
        await killSubscribers(await t.primary());
        await until(() => gaps.length === i + 1 && eventAfterLastGap(), 5000, `gap ${i + 1} and an event after it`);
      }

      // Redis's own cut: a subscriber whose handler blocks the event loop while a flood arrives.
      const primary = await t.primary();
      await primary.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 64kb 32kb 1');
      const flooder = spawn(process.execPath, [burst, primary.url, 'cuts-go', listener.keys.channel, '8000', '2000'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await once(flooder.stdout, 'data');
      control = new Redis(primary.url);
      await control.ping();
      blockOn = seq + 1_000_000;
      await publisher.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq: blockOn });
      await until(() => gaps.length === 49 && eventAfterLastGap(), 15_000, 'the output-buffer gap');
      control.disconnect();
      // Redis's own word that it was the output-buffer limit that cut the subscriber.
      expect(primary.logTail(200)).toMatch(/closed ASAP for overcoming of output buffer limits/);
      await primary.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');

      const killedAt = nowMs();
      await primary.kill();
      await until(() => gaps.length === 50 && eventAfterLastGap(), 20_000, 'the failover gap');
      expect(t.watch.switchMasters().some((sw) => sw.at >= killedAt)).toBe(true);
    } finally {
      publishing = false;
      await flow;
    }

    expect(gaps).toHaveLength(50);
    expect(gaps.slice(0, 48).every((g) => g.cause === 'connection-lost')).toBe(true);
    expect(gaps[48]).toMatchObject({ cause: 'output-buffer-limit', inferred: true });
    expect(gaps[49]).toMatchObject({ cause: 'server-changed', inferred: false });
    for (const g of gaps) expect(g.to).toBeGreaterThanOrEqual(g.from);
    // Events before and after each gap keep their order; none arrives twice.
    const events = log.filter((x): x is number => typeof x === 'number' && x < 1_000_000);
    expect(events.every((v, i) => i === 0 || v > (events[i - 1] as number))).toBe(true);
    expect(listener.stats().gapsByKind.disconnect).toBe(50);
    await listener.close();
    await publisher.close();
    publisherClient.disconnect();
  }, 90_000);
});
