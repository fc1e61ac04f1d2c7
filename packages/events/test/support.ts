import { connect, connectCluster } from '@coordis/client';
import { type AnyTopology, type RedisNode, startTopology, type TopologyKind } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { z } from 'zod';

/** The events the tests exchange: a small mail-service catalogue, validated by zod. */
export const mailEvents = {
  'mailbox.changed': z.object({ account: z.number().int(), mailbox: z.string(), seq: z.number().int() }),
  'mailbox.flags': z.object({ account: z.number().int(), flags: z.array(z.string()) }),
  'ip.blocked': z.object({ ip: z.string(), untilMs: z.number() }),
};

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A topology started for one describe block, and the coordis clients connected to it (closed in afterAll). */
export interface Deployment {
  readonly kind: TopologyKind;
  readonly topology: AnyTopology;
  /** A new coordis client: connect() for one primary, connectCluster() for a cluster, as a service would. */
  connect(): Promise<Redis | Cluster>;
  /** The nodes holding data now: the one primary, or every cluster master. */
  primaries(): Promise<RedisNode[]>;
}

/**
 * Starts `kind` once for the enclosing describe (beforeAll) and stops it after (afterAll).
 * The returned object is filled in by beforeAll: read its fields inside tests only.
 */
export function deploy(kind: TopologyKind): Deployment {
  const clients: (Redis | Cluster)[] = [];
  const d = {
    kind,
    connect: async (): Promise<Redis | Cluster> => {
      const t = d.topology;
      const c = t.kind === 'cluster' ? await connectCluster(t.url) : await connect(t.url);
      clients.push(c);
      return c;
    },
    primaries: async () => {
      const t = d.topology;
      return t.kind === 'cluster' ? await t.masters() : t.kind === 'sentinel' ? [await t.primary()] : [t.node];
    },
  } as { -readonly [K in keyof Deployment]: Deployment[K] };
  beforeAll(async () => {
    d.topology = await startTopology(kind);
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await d.topology?.stop();
  });
  return d;
}

/**
 * CLIENT KILL of every pub/sub client but the sentinels' own links (`CLIENT KILL TYPE pubsub`
 * would cut those too, and the sentinels may then fail the primary over).
 */
export async function killSubscribers(node: { call(...args: string[]): Promise<unknown> }): Promise<void> {
  const list = String(await node.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  for (const line of list.split('\n')) {
    const id = /\bid=(\d+)/.exec(line)?.[1];
    const name = /\bname=(\S*)/.exec(line)?.[1] ?? '';
    if (id && !name.startsWith('sentinel-')) await node.call('CLIENT', 'KILL', 'ID', id);
  }
}

/** Cuts replication from `node`: its replicas cannot resync, so what is written next lives on it alone. */
export async function cutReplication(node: { call(...args: string[]): Promise<unknown> }): Promise<void> {
  await node.call('ACL', 'SETUSER', 'default', '-psync', '-sync', '-replconf');
  await node.call('CLIENT', 'KILL', 'TYPE', 'replica');
}

/** The id of a stream's last entry on one node. */
export async function lastEntryId(node: { call(...args: string[]): Promise<unknown> }, stream: string): Promise<string> {
  return ((await node.call('XREVRANGE', stream, '+', '-', 'COUNT', '1')) as [string][])[0]?.[0] as string;
}

/** The JSON envelope of an event (seq 500) from a publisher whose clock lags, for a raw XADD at a low id. */
export function laggingEnvelope(): string {
  return JSON.stringify({
    v: 1,
    id: 'LOW-ID-EVENT',
    type: 'mailbox.changed',
    origin: 'lagging',
    ts: Date.now(),
    payload: { account: 1, mailbox: 'INBOX', seq: 500 },
  });
}
