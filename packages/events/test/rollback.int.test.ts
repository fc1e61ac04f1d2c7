import { connect } from '@coordis/client';
import { nowMs, startSentinel } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import { createEventBus, type Gap, type RollbackGap } from '../src/index.js';
import { nextStreamId } from '../src/stream-id.js';
import { cutReplication, laggingEnvelope, lastEntryId, mailEvents, until } from './support.js';

describe('a failover that loses the last entries of the stream', () => {
  it('reports a rollback gap and skips no event published after the failover, even one with a lower id', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
    const namespace = 'rollback';
    const reader = createEventBus({
      client: await connect(t.url),
      nodeId: 'reader',
      namespace,
      events: mailEvents,
      mode: 'durable',
      durable: { startFrom: 'earliest' },
    });
    const seen: number[] = [];
    const gaps: Gap[] = [];
    reader.events.on('gap', (g) => gaps.push(g));
    reader.on('mailbox.changed', (e) => {
      seen.push(e.payload.seq);
    });
    await reader.start();
    const publisherClient = await connect(t.url);
    // Acknowledged once both replicas have it: these 100 survive any failover.
    const safe = createEventBus({
      client: publisherClient,
      nodeId: 'safe',
      namespace,
      events: mailEvents,
      mode: 'durable',
      durable: { publishReplicas: 2 },
    });
    // Acknowledged by the primary alone, as most buses publish.
    const fast = createEventBus({ client: publisherClient, nodeId: 'fast', namespace, events: mailEvents, mode: 'durable' });
    for (let seq = 0; seq < 100; seq++) await safe.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
    await until(() => seen.length === 100, 10_000, 'the replicated 100');
    const old = await t.primary();
    const lastShared = await lastEntryId(old, reader.keys.stream);
    // What follows lives on the primary only.
    await cutReplication(old);
    for (let seq = 100; seq < 120; seq++) await fast.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
    await until(() => seen.length === 120, 10_000, 'the 20 unreplicated events handled');
    const checkpoint = await lastEntryId(old, reader.keys.stream);

    const killedAt = nowMs();
    await old.kill();
    const promoted = await t.waitForPrimary({ not: old });
    expect(t.watch.switchMasters().some((sw) => sw.at >= killedAt)).toBe(true);
    // A publisher whose clock lags: an id after the new primary's tail but below the reader's
    // old checkpoint. Reading on from the checkpoint would skip it.
    const lowId = nextStreamId(lastShared);
    await promoted.call('XADD', reader.keys.stream, lowId, 'e', laggingEnvelope());
    for (let seq = 120; seq < 170; seq++) await fast.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
    await until(() => seen.includes(169) && seen.includes(500), 20_000, 'every event published after the failover');

    expect(gaps).toHaveLength(1);
    const gap = gaps[0] as RollbackGap;
    expect(gap).toMatchObject({ kind: 'rollback', afterId: lastShared, beforeId: nextStreamId(checkpoint), approxCount: 20 });
    expect(seen.slice(0, 120)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(seen.slice(120)).toEqual([500, ...Array.from({ length: 50 }, (_, i) => 120 + i)]);
    expect(reader.stats().gapsByKind.rollback).toBe(1);
    await reader.close();
    await safe.close();
    await fast.close();
    publisherClient.disconnect();
  }, 60_000);
});
