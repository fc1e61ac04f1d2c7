import type { RedisNode } from '@coordis/testkit';
import type { CoordisClient } from '../../src/index.js';

/** What a write load saw: every acknowledged id, and every error by message. */
export interface LoadResult {
  readonly acked: Set<string>;
  readonly ackedAt: Map<string, number>;
  readonly errors: Error[];
}

/**
 * Runs `writers` loops that RPUSH unique ids to one list until stopped, recording which were
 * acknowledged. An id that is acknowledged must be in the list afterwards (else a write was
 * lost), and no id may be in it twice (else a write was applied twice).
 */
export function startWriteLoad(
  client: CoordisClient,
  writers: number,
  key = 'log',
): { stop: () => Promise<LoadResult>; result: LoadResult } {
  const result: LoadResult = { acked: new Set(), ackedAt: new Map(), errors: [] };
  let running = true;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let seq = 0; running; seq++) {
      const id = `${w}:${seq}`;
      try {
        await client.rpush(key, id);
        result.acked.add(id);
        result.ackedAt.set(id, performance.now());
      } catch (e) {
        result.errors.push(e as Error);
        // Errors come fast when no primary exists; do not spin.
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  });
  return {
    result,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}

/** Compares what was acknowledged with what the node holds. */
export async function audit(
  node: RedisNode,
  result: LoadResult,
  key = 'log',
): Promise<{ missing: string[]; duplicated: number; stored: number }> {
  const stored = (await node.call('LRANGE', key, 0, -1)) as string[];
  const present = new Set(stored);
  const missing = [...result.acked].filter((id) => !present.has(id));
  return { missing, duplicated: stored.length - present.size, stored: stored.length };
}

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
