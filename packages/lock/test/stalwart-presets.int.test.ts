import { createKeyspace } from '@coordis/keyspace';
import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocks, isLockKeyTypeError } from '../src/index.js';
import { deploy } from './support/topology.js';

const queueName = Buffer.from('default\0', 'latin1');

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let client: Redis | Cluster;
  beforeAll(() => {
    client = d.client;
  });

  describe('Stalwart lock presets', () => {
    it('lock queue messages, tasks and WebDAV collections at the keys Stalwart builds for them (text keyspace)', async () => {
      const ks = createKeyspace({ app: 'mail' });
      const locks = createLocks(client, { keyspace: ks });
      try {
        const queue = locks.stalwart.queueMessage({ queueId: 42n, queueName });
        const task = locks.stalwart.task({ taskId: 7n });
        const dav = locks.stalwart.dav({ accountId: 1, collection: 2 });
        expect(queue.key).toEqual(ks.stalwart.KV_LOCK_QUEUE_MESSAGE.key({ queueId: 42n, queueName }));
        expect(task.key).toBe('mail:23:7');
        expect(dav.key).toEqual(ks.stalwart.KV_LOCK_DAV.key({ accountId: 1, collection: 2 }));
        for (const lock of [queue, task, dav]) {
          const lease = await lock.acquire();
          expect(await lock.tryAcquire()).toBeUndefined();
          expect(await lease.release()).toEqual({ released: true });
        }
      } finally {
        locks.close();
      }
    });

    it('lock binary Stalwart keys byte for byte, also keys whose bytes contain hash-tag braces', async () => {
      const ks = createKeyspace({ mode: 'binary' });
      const locks = createLocks(client, { keyspace: ks });
      try {
        // 0x7b7d…: the task id's bytes spell "{}" and "}{": the lock still touches this one key only.
        const taskId = 0x7b7d_0000_007d_7bn;
        const lock = locks.stalwart.task({ taskId });
        const key = ks.stalwart.KV_LOCK_TASK.key({ taskId });
        expect(Buffer.isBuffer(lock.key)).toBe(true);
        expect(lock.key).toEqual(key);
        expect(key[0]).toBe(23);
        const lease = await lock.acquire();
        expect(await client.exists(key)).toBe(1);
        expect(await lock.tryAcquire()).toBeUndefined();
        expect(await lease.release()).toEqual({ released: true });
        const next = await locks.stalwart.task({ taskId }).acquire();
        expect(next.token).toBeGreaterThan(lease.token);
      } finally {
        locks.close();
      }
    });

    it('leave a key in Stalwart’s own lock format alone, rejecting with LockKeyTypeError', async () => {
      const ks = createKeyspace({ mode: 'binary' });
      const locks = createLocks(client, { keyspace: ks });
      try {
        const key = ks.stalwart.KV_LOCK_TASK.key({ taskId: 99n });
        // Stalwart stores a lock as its expiry, in Unix seconds.
        await client.set(key, '1767225600', 'EX', 60);
        const error = await locks.stalwart
          .task({ taskId: 99n })
          .acquire({ waitMs: 0 })
          .catch((e: unknown) => e);
        expect(isLockKeyTypeError(error)).toBe(true);
        expect(await client.get(key)).toBe('1767225600');
      } finally {
        locks.close();
      }
    });
  });
});
