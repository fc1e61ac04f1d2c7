import type { Redis } from 'ioredis';
import { DEFAULTS } from './defaults.js';
import { KeyspaceArgumentError, NamespaceClearError } from './errors.js';
import { textHead } from './key-layout.js';
import { isCluster, type KeyspaceClient } from './keyspace-client.js';
import type { AnyNamespace } from './namespace.js';

/** How a namespace is cleared. */
export interface ClearOptions {
  /** SCAN COUNT: keys Redis examines per round trip, and the most one UNLINK removes. @default 1000 */
  readonly batchSize?: number;
}

/** What a clear did. */
export interface ClearResult {
  /** Keys removed. */
  readonly deleted: number;
  /** Keys SCAN matched by prefix that are not keys of this namespace, and were left alone. */
  readonly skipped: number;
}

// Glob characters SCAN MATCH gives a meaning to; a prefix byte equal to one is escaped.
const GLOB = new Set([0x2a, 0x3f, 0x5b, 0x5d, 0x5c]);

/** The SCAN MATCH pattern of a namespace with segments: its head, then anything. */
export function scanPattern(ns: AnyNamespace): Buffer {
  const layout = ns.layout;
  if (layout.mode === 'text') return Buffer.from(`${textHead(layout)}:*`, 'utf8');
  return Buffer.from([...(GLOB.has(layout.prefix) ? [0x5c] : []), layout.prefix, 0x2a]);
}

function scanReply(reply: unknown): [string, Buffer[]] {
  if (!Array.isArray(reply) || reply.length !== 2 || !Buffer.isBuffer(reply[0]) || !Array.isArray(reply[1])) {
    throw new TypeError('SCAN returned something other than [cursor, keys]');
  }
  const keys: unknown[] = reply[1];
  return [reply[0].toString('latin1'), keys.filter((k): k is Buffer => Buffer.isBuffer(k))];
}

async function unlinkOnNode(node: Redis, keys: Buffer[], perKey: boolean): Promise<number> {
  if (!perKey) return node.unlink(...keys);
  // A cluster node refuses a multi-key UNLINK whose keys live in different slots (CROSSSLOT),
  // even when it serves them all; one UNLINK per key, pipelined, costs one round trip.
  const pipeline = node.pipeline();
  for (const k of keys) pipeline.unlink(k);
  const replies = (await pipeline.exec()) ?? [];
  let deleted = 0;
  for (const [err, n] of replies) {
    if (err) throw err;
    if (typeof n === 'number') deleted += n;
  }
  return deleted;
}

/**
 * Removes every key of a namespace without blocking the server: SCAN in batches (never KEYS)
 * on every master, keeping only keys the namespace owns, and UNLINK (freed in the background).
 * Keys written while it runs may survive; keys that already existed and still exist are gone.
 */
export async function clearNamespace(client: KeyspaceClient, ns: AnyNamespace, options: ClearOptions = {}): Promise<ClearResult> {
  const batchSize = options.batchSize ?? DEFAULTS.clearBatchSize;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new KeyspaceArgumentError(ns.name, 'batchSize', 'the batch size is a whole number of keys, at least 1', 'pass e.g. 1000');
  }
  if (client.options.keyPrefix) {
    throw new KeyspaceArgumentError(
      ns.name,
      'client',
      'the client has an ioredis keyPrefix, which ioredis adds to keys but not to SCAN patterns, so clear() would find none of the keys',
      'clear through a client without keyPrefix (the keyspace app already sets applications apart)',
    );
  }
  let deleted = 0;
  let skipped = 0;
  try {
    if (ns.segments.length === 0) {
      // The namespace is one key, which no pattern could single out from longer keys.
      deleted = await client.unlink(ns.key({}));
      return { deleted, skipped };
    }
    let nodes: Redis[];
    if (isCluster(client)) {
      // Wait for the slot map, so every master is known before the scan starts.
      await client.ping();
      nodes = client.nodes('master');
      if (nodes.length === 0) throw new Error('the cluster client knows no master');
    } else {
      nodes = [client];
    }
    const pattern = scanPattern(ns);
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = scanReply(await node.callBuffer('SCAN', cursor, 'MATCH', pattern, 'COUNT', batchSize));
        const mine = keys.filter((k) => ns.owns(k));
        skipped += keys.length - mine.length;
        if (mine.length > 0) deleted += await unlinkOnNode(node, mine, isCluster(client));
        cursor = next;
      } while (cursor !== '0');
    }
    return { deleted, skipped };
  } catch (e) {
    throw new NamespaceClearError(ns.name, deleted, e);
  }
}
