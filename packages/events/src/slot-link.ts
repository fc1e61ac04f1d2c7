import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { keySlot } from '@coordis/keyspace';
import { AbstractConnector, type Cluster, Redis, type RedisOptions } from 'ioredis';
import { DEFAULTS } from './defaults.js';

type NetStream = ReturnType<typeof netConnect>;

/**
 * The slot map refreshed from the cluster; a failed refresh leaves the old one, and the dial
 * after it finds out. Bounded: a refresh that never calls back (a closed cluster) must not
 * leave the connection waiting forever.
 */
function refreshSlots(cluster: Cluster): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, DEFAULTS.slotRetryMaxMs);
    cluster.refreshSlotsCache(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Dials the master that serves `slot` now, as the Cluster's slot map says — refreshed before
 * every dial but the first, because a reconnect usually means the owner changed (a failover:
 * the old address is dead, or a replica now). The ready check refuses a node that is not a
 * master, so a stale map in the middle of a failover costs a retry, not a subscription to a
 * replica.
 */
function slotOwnerConnector(cluster: Cluster, slot: number) {
  let dials = 0;
  return class SlotOwnerConnector extends AbstractConnector {
    readonly #tls: RedisOptions['tls'];

    constructor(options: unknown) {
      super(0);
      this.#tls = (options as RedisOptions).tls;
    }

    async connect(): Promise<NetStream> {
      this.connecting = true;
      if (dials++ > 0) await refreshSlots(cluster);
      if (!this.connecting) throw new Error('Connection is closed.');
      const owner = cluster.slots[slot]?.[0];
      if (!owner) throw new Error(`no master serves slot ${slot} in the cluster's slot map yet`);
      const colon = owner.lastIndexOf(':');
      const target = { host: owner.slice(0, colon), port: Number(owner.slice(colon + 1)) };
      const stream = this.#tls ? tlsConnect({ ...target, ...this.#tls }) : netConnect(target);
      this.stream = stream;
      stream.once('error', (e: Error) => {
        this.firstError = e;
      });
      return stream;
    }

    override check(info: Record<string, string | undefined>): boolean {
      return info.role === undefined || info.role === 'master';
    }

    // Destroy rather than half-close: a dead or hung owner never finishes a graceful close.
    override disconnect(): void {
      this.connecting = false;
      (this.stream as NetStream | undefined)?.destroy();
    }
  };
}

/**
 * A plain connection (an ioredis `Redis`) to whichever master serves the slot of `key` (a key
 * or a shard channel, before the cluster's keyPrefix) in `cluster`,
 * found afresh on each reconnect. A bus's channel, stream and checkpoints share one hash tag,
 * so one such connection carries all of a subscriber's or a reader's commands — pipelines,
 * MULTI/EXEC and SSUBSCRIBE work on it as on a standalone server — while ioredis' own
 * reconnect logic (and the caller's `close` / `ready` handling) stays what it is for Redis.
 * Credentials, TLS and the connection name are the cluster's own `redisOptions` (what it
 * gives each node connection), read property by property: a coordis cluster keeps the password
 * there non-enumerable, out of logs.
 */
export function slotConnection(
  cluster: Cluster,
  key: string,
  overrides: { readonly autoResubscribe?: boolean; readonly autoResendUnfulfilledCommands?: boolean },
): Redis {
  const inherited: RedisOptions = cluster.options.redisOptions ?? {};
  const prefix = (cluster.options as { keyPrefix?: string }).keyPrefix ?? inherited.keyPrefix;
  return new Redis({
    ...(inherited.username === undefined ? {} : { username: inherited.username }),
    ...(inherited.password === undefined ? {} : { password: inherited.password }),
    ...(inherited.tls === undefined ? {} : { tls: inherited.tls }),
    ...(inherited.connectionName === undefined ? {} : { connectionName: inherited.connectionName }),
    ...(inherited.keepAlive === undefined ? {} : { keepAlive: inherited.keepAlive }),
    ...(inherited.connectTimeout === undefined ? {} : { connectTimeout: inherited.connectTimeout }),
    // The cluster prefixes the keys (and shard channels) it sends; this connection must name the same ones.
    ...(prefix === undefined ? {} : { keyPrefix: prefix }),
    // Cluster node connections never reconnect (the cluster waits for MOVED instead); this one must.
    retryStrategy: (attempt: number) => Math.min(DEFAULTS.slotRetryBaseMs * attempt, DEFAULTS.slotRetryMaxMs),
    ...overrides,
    Connector: slotOwnerConnector(cluster, keySlot(`${prefix ?? ''}${key}`)),
  });
}

/**
 * A reply that says the connection's node does not serve the slot now: redirected (MOVED,
 * ASK), demoted under a command (READONLY, or UNBLOCKED for a blocked read), or the slot has
 * no master for the moment (CLUSTERDOWN, TRYAGAIN).
 */
export function isSlotMoved(e: unknown): boolean {
  return e instanceof Error && /^(MOVED|ASK|READONLY|UNBLOCKED|CLUSTERDOWN|TRYAGAIN) /.test(e.message);
}
