import { type CoordisClient, connect } from '@coordis/client';
import { createEventBus, type StateChanged, stalwartEvents } from '@coordis/events';
import { type StandaloneTopology, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BlockedIpChange,
  type BroadcastMeta,
  type CertificateChange,
  encodeBroadcast,
  followStalwart,
  type InvalidBatch,
  type StalwartEvent,
  type StalwartFollower,
  type StateChangeEvent,
  stalwartPublisher,
  toCoordisEvent,
} from '../src/index.js';
import { BROADCAST_FIXTURES, INVALID_BROADCAST_FIXTURES } from './fixtures/stalwart-fixtures.js';

// A batch "published raw" is what a Stalwart node's publisher does (crates/services/src/
// broadcast/publisher.rs and crates/coordinator/src/backend/redis/pubsub.rs at d72608f): PUBLISH
// stwt.agora <bytes>, from a plain connection.

let server: StandaloneTopology;
let stalwart: Redis;
let node: CoordisClient;
const followers: StalwartFollower[] = [];

beforeAll(async () => {
  server = await startStandalone();
  stalwart = new Redis(server.url);
  node = await connect(server.url);
});

afterAll(async () => {
  for (const f of followers) await f.close();
  stalwart?.disconnect();
  node?.disconnect();
  await server?.stop();
});

async function follow(options: Omit<Parameters<typeof followStalwart>[0], 'client'>): Promise<StalwartFollower> {
  const f = followStalwart({ client: node, ...options });
  followers.push(f);
  await f.ready;
  return f;
}

/** Resolves once `n` values were pushed into `list`. */
function until<T>(list: T[], n: number, timeoutMs = 5_000): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (list.length >= n) resolve(list);
      else if (Date.now() - started > timeoutMs) reject(new Error(`got ${list.length} of ${n}`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

describe('following a Stalwart cluster’s broadcast', () => {
  it('hands a batch published raw on stwt.agora to typed handlers', async () => {
    const states: [StateChangeEvent, BroadcastMeta][] = [];
    const blocked: BlockedIpChange[] = [];
    const certificates: CertificateChange[] = [];
    await follow({
      handlers: {
        stateChange: (e, meta) => void states.push([e, meta]),
        blockedIp: (c) => void blocked.push(c),
        certificate: (c) => void certificates.push(c),
      },
    });
    const batch = encodeBroadcast({
      nodeId: 3,
      events: [
        { type: 'stateChange', accountId: 42, changeId: 99n, types: 9n },
        { type: 'registryInsert', object: 'BlockedIp', id: 17n },
        { type: 'registryInsert', object: 'Certificate', id: 5n },
        { type: 'registryReload', object: 'Certificate' },
      ],
    });
    await stalwart.publish('stwt.agora', batch);
    await until(certificates, 2);
    expect(states).toEqual([
      [{ type: 'stateChange', accountId: 42, changeId: 99n, types: 9n }, expect.objectContaining({ nodeId: 3, index: 0 })],
    ]);
    expect(blocked).toEqual([{ change: 'insert', id: 17n }]);
    expect(certificates).toEqual([{ change: 'insert', id: 5n }, { change: 'reload' }]);
  });

  it('decodes every fixture batch derived from Stalwart to its events', async () => {
    const seen: StalwartEvent[] = [];
    const f = await follow({ handlers: { event: (e) => void seen.push(e) } });
    for (const fixture of BROADCAST_FIXTURES) await stalwart.publish('stwt.agora', Buffer.from(fixture.hex, 'hex'));
    const expected = BROADCAST_FIXTURES.flatMap((x) => x.events);
    expect(await until(seen, expected.length)).toEqual(expected);
    expect(f.stats()).toMatchObject({ batches: BROADCAST_FIXTURES.length, events: expected.length, invalid: 0 });
  });

  it('reports unknown tags and truncated batches as invalid, after delivering the events before the bad byte', async () => {
    const seen: StalwartEvent[] = [];
    const invalid: InvalidBatch[] = [];
    const f = await follow({ handlers: { event: (e) => void seen.push(e) } });
    f.events.on('invalid', (i) => invalid.push(i));
    for (const fixture of INVALID_BROADCAST_FIXTURES) await stalwart.publish('stwt.agora', Buffer.from(fixture.hex, 'hex'));
    // The follower survives them all: a valid batch after them is handled.
    await stalwart.publish('stwt.agora', encodeBroadcast({ nodeId: 1, events: [{ type: 'queueRefresh' }] }));
    await until(invalid, INVALID_BROADCAST_FIXTURES.length);
    await until(seen, INVALID_BROADCAST_FIXTURES.flatMap((x) => x.events).length + 1);
    expect(invalid.map((i) => [i.reason, i.offset, i.delivered])).toEqual(
      INVALID_BROADCAST_FIXTURES.map((x) => [x.reason, x.offset, x.events.length]),
    );
    expect(seen).toEqual([...INVALID_BROADCAST_FIXTURES.flatMap((x) => x.events), { type: 'queueRefresh' }]);
    expect(invalid.find((i) => i.reason === 'unknown-tag')).toMatchObject({ nodeId: 11, sample: expect.stringMatching(/^0b00/) });
  });

  it('reports a throwing or rejecting handler and still runs the others', async () => {
    const errors: unknown[] = [];
    const after: StalwartEvent[] = [];
    const f = await follow({
      handlers: {
        queueRefresh: () => {
          throw new Error('sync');
        },
        cacheInvalidateAll: async () => {
          throw new Error('async');
        },
        event: (e) => void after.push(e),
      },
    });
    f.events.on('handlerError', (x) => errors.push(x.error));
    await stalwart.publish(
      'stwt.agora',
      encodeBroadcast({ nodeId: 2, events: [{ type: 'queueRefresh' }, { type: 'cacheInvalidateAll' }] }),
    );
    await until(errors, 2);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['async', 'sync']);
    expect(after).toHaveLength(2);
  });

  it('reports a gap when the subscription is cut, and hears batches again after', async () => {
    const seen: StalwartEvent[] = [];
    const gaps: unknown[] = [];
    const f = await follow({ handlers: { event: (e) => void seen.push(e) } });
    f.events.on('gap', (g) => gaps.push(g));
    await stalwart.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await until(gaps, 1);
    await new Promise((r) => setTimeout(r, 100));
    await stalwart.publish('stwt.agora', encodeBroadcast({ nodeId: 4, events: [{ type: 'cacheInvalidateNegative' }] }));
    expect(await until(seen, 1)).toEqual([{ type: 'cacheInvalidateNegative' }]);
    expect(gaps[0]).toMatchObject({ kind: 'disconnect' });
  });
});

describe('bridging to a coordis event bus', () => {
  it('re-publishes Stalwart’s state changes as typed, validated events of the stalwartEvents catalogue', async () => {
    const bus = createEventBus({ client: node, nodeId: 'bridge', namespace: 'mail', echo: true, events: { ...stalwartEvents } });
    const heard: StateChanged[] = [];
    bus.on('stalwart.state.changed', (e) => void heard.push(e.payload));
    await bus.start();
    try {
      await follow({
        handlers: {
          event: async (e) => {
            const c = toCoordisEvent(e);
            if (c) await bus.publish(c.type, c.payload);
          },
        },
      });
      await stalwart.publish(
        'stwt.agora',
        encodeBroadcast({ nodeId: 5, events: [{ type: 'stateChange', accountId: 7, changeId: 2n ** 60n, types: 24n }] }),
      );
      expect(await until(heard, 1)).toEqual([{ accountId: 7, changeId: String(2n ** 60n), types: ['Mailbox', 'Thread'] }]);
    } finally {
      await bus.close();
    }
  });
});

describe('publishing to a Stalwart cluster', () => {
  it('sends Stalwart’s own bytes, in batches of at most 100, and skips its own node id when following', async () => {
    const raw: Buffer[] = [];
    const sub = new Redis(server.url);
    await sub.subscribe('stwt.agora');
    sub.on('messageBuffer', (_c: Buffer, m: Buffer) => raw.push(m));
    const own: StalwartEvent[] = [];
    await follow({ handlers: { event: (e) => void own.push(e) }, ignoreNodeIds: [900] });

    const publisher = stalwartPublisher({ client: node, nodeId: 900 });
    const events = Array.from({ length: 150 }, (_, i) => ({ type: 'cacheInvalidate', items: [{ kind: 'account', id: i }] }) as const);
    await publisher.publish(...events);
    await until(raw, 2);
    expect(raw).toEqual([
      encodeBroadcast({ nodeId: 900, events: events.slice(0, 100) }),
      encodeBroadcast({ nodeId: 900, events: events.slice(100) }),
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect(own).toEqual([]);
    sub.disconnect();
  });
});
