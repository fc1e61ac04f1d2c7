import { setTimeout as sleep } from 'node:timers/promises';
import { connectCluster } from '@coordis/client';
import { keySlot } from '@coordis/keyspace';
import { type ClusterTopology, type RedisNode, startCluster } from '@coordis/testkit';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type DisconnectGap, type DurableOptions, type EventBus, type Gap, type RollbackGap } from '../src/index.js';
import { nextStreamId } from '../src/stream-id.js';
import { cutReplication, laggingEnvelope, lastEntryId, mailEvents, until } from './support.js';

/** Acknowledged durable events before the fault, and after the cluster is whole again. */
const BEFORE = 200;
const AFTER = 200;
const PUBLISHERS = 4;

type Bus = EventBus<typeof mailEvents>;

/**
 * The two ways the bus's slot changes master under it: the master dies (SIGKILL: every
 * connection to it closes, its replica is elected after cluster-node-timeout), or a replica
 * takes over by CLUSTER FAILOVER (the old master lives on as a replica: connections to it stay
 * open, Redis pushes `sunsubscribe` to its shard subscribers and answers MOVED to commands).
 */
const FAULTS = [
  { fault: 'its master SIGKILLed (then restarted as a replica)', kill: true },
  { fault: 'its master replaced by CLUSTER FAILOVER', kill: false },
] as const;

// One cluster for the file: each test heals it (or is the last to use it), and its bus has a
// name of its own, so a slot of its own.
let t: ClusterTopology;
beforeAll(async () => {
  t = await startCluster({ masters: 3, replicasPerMaster: 1 });
});
afterAll(() => t?.stop());

/** The running master that serves `slot` now. */
async function ownerOf(slot: number): Promise<RedisNode> {
  const line = (await t.view()).find((l) => l.role === 'master' && !l.failing && l.slots.some(([a, b]) => a <= slot && slot <= b));
  const node = t.nodes.find((n) => n.port === line?.port);
  if (!node) throw new Error(`no running master serves slot ${slot}`);
  return node;
}

describe.each(FAULTS)('a Cluster whose bus slot has $fault under a stream of events', ({ kill }) => {
  it('transient subscribers report one disconnect gap and receive after it; durable nodes get every acknowledged event in order, none twice', async () => {
    const NAMESPACE = kill ? 'cluster-kill' : 'cluster-failover';
    const clients: Cluster[] = [];
    const client = async () => {
      const c = await connectCluster(t.url);
      clients.push(c);
      return c;
    };
    const buses: Bus[] = [];
    const errors: string[] = [];
    const bus = async (nodeId: string, mode: 'transient' | 'durable', durable: DurableOptions = {}) => {
      const b = createEventBus({ client: await client(), nodeId, namespace: NAMESPACE, events: mailEvents, mode, durable });
      b.events.on('error', (e) => errors.push(`${nodeId}: ${e.message}`));
      buses.push(b);
      return b;
    };
    let stop = false;
    try {
      // Two transient nodes and two durable nodes receive; one of each kind publishes.
      const log = new Map<string, (number | Gap)[]>();
      const receiver = async (nodeId: string, mode: 'transient' | 'durable') => {
        const b = await bus(nodeId, mode, { startFrom: 'earliest' });
        const seen: (number | Gap)[] = [];
        log.set(nodeId, seen);
        b.on('mailbox.changed', (e) => {
          seen.push(e.payload.seq);
        });
        b.events.on('gap', (g) => seen.push(g));
        await b.start();
        return b;
      };
      await Promise.all([
        receiver('t-1', 'transient'),
        receiver('t-2', 'transient'),
        receiver('d-1', 'durable'),
        receiver('d-2', 'durable'),
      ]);
      const transientPublisher = await bus('t-pub', 'transient');
      const durablePublisher = await bus('d-pub', 'durable', { publishReplicas: 1, publishReplicasTimeoutMs: 500 });

      // The victim is the master serving the bus's slot: its channel, stream and checkpoints.
      const slot = keySlot(durablePublisher.keys.stream);
      expect(keySlot(transientPublisher.keys.channel)).toBe(slot);
      const victim = await ownerOf(slot);

      // Transient events every 5 ms; durable events one after another, each acknowledged by a replica or failed.
      const transientSent = { ok: 0, failed: 0 };
      const transientLoop = (async () => {
        for (let seq = 0; !stop; seq++) {
          await transientPublisher.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq }).then(
            () => transientSent.ok++,
            () => transientSent.failed++,
          );
          await sleep(5);
        }
      })();
      // Four sequential publishers (one account each), so writes are in flight when the fault hits.
      const acknowledged: number[] = [];
      const failed: number[] = [];
      const failures = new Set<string>();
      let afterFault = -1;
      const durableLoops = Array.from({ length: PUBLISHERS }, (_, account) =>
        (async () => {
          for (let n = 0; !stop && (afterFault < 0 || acknowledged.length < afterFault + AFTER); n++) {
            const seq = n * PUBLISHERS + account;
            try {
              await durablePublisher.publish('mailbox.changed', { account, mailbox: 'INBOX', seq });
              acknowledged.push(seq);
            } catch (e) {
              failed.push(seq);
              failures.add((e as Error).message.slice(0, 120));
            }
          }
        })(),
      );

      await until(() => acknowledged.length >= BEFORE, 30_000, `${BEFORE} acknowledged durable events`);
      const sentBeforeFault = transientSent.ok;
      if (kill) {
        await victim.kill();
        await t.waitForHealthy();
        // Both subscriptions are back on the promoted replica before the old master returns
        // (which, restarted, claims its slots for a moment until it learns it was replaced).
        await until(
          () => ['t-1', 't-2'].every((id) => (log.get(id) ?? []).some((x) => typeof x !== 'number')),
          30_000,
          'both transient nodes resubscribed',
        );
        // The old master returns as the new one's replica, so WAIT can be satisfied again.
        await victim.start();
      } else {
        await t.failover((await t.replicasOf(victim))[0]);
      }
      await t.waitForHealthy();
      afterFault = acknowledged.length;
      await until(() => acknowledged.length >= afterFault + AFTER, 45_000, `${AFTER} acknowledged durable events after the fault`);
      await Promise.all(durableLoops);
      // Transient subscribers are back: events published now reach both.
      const mark = transientSent.ok;
      await until(
        () => ['t-1', 't-2'].every((id) => (log.get(id) ?? []).some((x) => typeof x === 'number' && x >= mark)),
        30_000,
        'transient events after the promotion',
      );
      stop = true;
      await transientLoop;

      for (const id of ['d-1', 'd-2']) {
        await until(
          () => {
            const got = new Set((log.get(id) ?? []).filter((x) => typeof x === 'number'));
            return acknowledged.every((seq) => got.has(seq));
          },
          30_000,
          `every acknowledged event at ${id}`,
        );
      }

      const report: Record<string, unknown> = {
        victim: victim.name,
        durable: { acknowledged: acknowledged.length, failed: failed.length, failures: [...failures] },
        transient: { sent: transientSent.ok, failed: transientSent.failed, sentBeforeFault },
        errors: [...new Set(errors)],
      };
      for (const id of ['t-1', 't-2']) {
        const items = log.get(id) ?? [];
        const gaps = items.filter((x): x is DisconnectGap => typeof x !== 'number');
        const events = items.filter((x): x is number => typeof x === 'number');
        report[id] = {
          received: events.length,
          lost: transientSent.ok - events.length,
          gaps: gaps.map((g) => `${g.kind}/${g.cause} ${g.to - g.from} ms`),
        };
        // One fault, one interruption: exactly one gap, on another server, and events on both sides of it.
        expect(gaps).toHaveLength(1);
        expect(gaps[0]).toMatchObject({ kind: 'disconnect', cause: 'server-changed' });
        const at = items.indexOf(gaps[0] as Gap);
        expect(items.slice(0, at).some((x) => typeof x === 'number')).toBe(true);
        expect(items.slice(at + 1).some((x) => typeof x === 'number' && x >= mark)).toBe(true);
        // Pub/sub never repeats or reorders: what arrived, arrived once and in order.
        expect(events).toEqual([...events].sort((a, b) => a - b));
        expect(new Set(events).size).toBe(events.length);
      }
      const ackedSet = new Set(acknowledged);
      for (const id of ['d-1', 'd-2']) {
        const items = log.get(id) ?? [];
        const events = items.filter((x): x is number => typeof x === 'number');
        const gaps = items.filter((x): x is Gap => typeof x !== 'number');
        report[id] = {
          handled: events.length,
          unacknowledgedHandled: events.filter((s) => !ackedSet.has(s)).length,
          gaps: gaps.map((g) => `${g.kind}${g.approxCount === undefined ? '' : ` ~${g.approxCount}`}`),
        };
        // In order per publisher, none twice, every acknowledged one (events whose publish failed may arrive too).
        expect(new Set(events).size).toBe(events.length);
        for (let account = 0; account < PUBLISHERS; account++) {
          const mine = events.filter((s) => s % PUBLISHERS === account);
          expect(mine).toEqual([...mine].sort((a, b) => a - b));
        }
        expect(acknowledged.filter((s) => !events.includes(s))).toEqual([]);
      }
      console.log(`cluster ${kill ? 'kill' : 'failover'}: ${JSON.stringify(report)}`);
    } finally {
      stop = true;
      for (const b of buses) await b.close();
      for (const c of clients) c.disconnect();
    }
  }, 180_000);
});

describe('a bus on a plain ioredis Cluster', () => {
  it('delivers in both modes and confirms durable publishes with WAIT', async () => {
    const seeds = t.seeds.map((a) => ({ host: a.host, port: a.port }));
    const clients = [new Cluster(seeds), new Cluster(seeds)];
    const buses: Bus[] = [];
    try {
      for (const mode of ['transient', 'durable'] as const) {
        const namespace = `plain-${mode}`;
        const make = (client: Cluster, nodeId: string) => {
          const b = createEventBus({ client, nodeId, namespace, events: mailEvents, mode, durable: { publishReplicas: 1 } });
          buses.push(b);
          return b;
        };
        const a = make(clients[0] as Cluster, 'a');
        const b = make(clients[1] as Cluster, 'b');
        const seen: number[] = [];
        b.on('mailbox.changed', (e) => {
          seen.push(e.payload.seq);
        });
        await b.start();
        for (let seq = 0; seq < 20; seq++) await a.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
        await until(() => seen.length === 20, 10_000, `20 ${mode} events`);
        expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
      }
    } finally {
      for (const b of buses) await b.close();
      for (const c of clients) c.disconnect();
    }
  });
});

// Last: it leaves the cluster with one master short of a replica.
describe('a Cluster failover that loses the last entries of the stream', () => {
  it('reports a rollback gap and skips no event published after the failover, even one with a lower id', async () => {
    const namespace = 'cluster-rollback';
    const clients = await Promise.all([connectCluster(t.url), connectCluster(t.url)]);
    const [readerClient, publisherClient] = clients as [Cluster, Cluster];
    const reader = createEventBus({
      client: readerClient,
      nodeId: 'reader',
      namespace,
      events: mailEvents,
      mode: 'durable',
      durable: { startFrom: 'earliest' },
    });
    // Acknowledged once the replica has it: these survive the failover.
    const safe = createEventBus({
      client: publisherClient,
      nodeId: 'safe',
      namespace,
      events: mailEvents,
      mode: 'durable',
      durable: { publishReplicas: 1 },
    });
    // Acknowledged by the master alone, as most buses publish.
    const fast = createEventBus({ client: publisherClient, nodeId: 'fast', namespace, events: mailEvents, mode: 'durable' });
    try {
      const seen: number[] = [];
      const gaps: Gap[] = [];
      reader.events.on('gap', (g) => gaps.push(g));
      reader.on('mailbox.changed', (e) => {
        seen.push(e.payload.seq);
      });
      await reader.start();
      for (let seq = 0; seq < 100; seq++) await safe.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      await until(() => seen.length === 100, 10_000, 'the replicated 100');
      const old = await ownerOf(keySlot(reader.keys.stream));
      const lastShared = await lastEntryId(old, reader.keys.stream);
      // What follows lives on the master only.
      await cutReplication(old);
      for (let seq = 100; seq < 120; seq++) await fast.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      await until(() => seen.length === 120, 10_000, 'the 20 unreplicated events handled');
      const checkpoint = await lastEntryId(old, reader.keys.stream);

      await old.kill();
      await t.waitForHealthy();
      const promoted = await ownerOf(keySlot(reader.keys.stream));
      expect(promoted).not.toBe(old);
      // A publisher whose clock lags: an id after the new master's tail but below the reader's
      // old checkpoint. Reading on from the checkpoint would skip it.
      await promoted.call('XADD', reader.keys.stream, nextStreamId(lastShared), 'e', laggingEnvelope());
      for (let seq = 120; seq < 170; seq++) await fast.publish('mailbox.changed', { account: 1, mailbox: 'INBOX', seq });
      await until(() => seen.includes(169) && seen.includes(500), 20_000, 'every event published after the failover');

      expect(gaps).toHaveLength(1);
      expect(gaps[0] as RollbackGap).toMatchObject({
        kind: 'rollback',
        afterId: lastShared,
        beforeId: nextStreamId(checkpoint),
        approxCount: 20,
      });
      expect(seen.slice(0, 120)).toEqual(Array.from({ length: 120 }, (_, i) => i));
      expect(seen.slice(120)).toEqual([500, ...Array.from({ length: 50 }, (_, i) => 120 + i)]);
    } finally {
      for (const b of [reader, safe, fast]) await b.close();
      for (const c of clients) c.disconnect();
    }
  }, 120_000);
});
