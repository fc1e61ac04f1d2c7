import type { Redis } from 'ioredis';
import { DEFAULTS } from './defaults.js';
import type { ScriptClient } from './lua-script.js';

/** Streams corked by this module, with the number of commands written into the current chunk. */
const corked = new WeakMap<object, number>();

/**
 * Batches a client's socket writes: the commands a coordis package sends in one tick (64 workers
 * whose replies arrived in one read) leave in chunks of `DEFAULTS.writeChunk` instead of one
 * system call each, and Redis reads and answers each chunk at once. Chunks rather than one
 * write per tick, so Redis works on the first chunk while this process still prepares the next
 * (one write per tick makes the two wait on each other). Node's own pattern: `cork()`, then
 * `uncork()` on the next tick; the commands and their order are unchanged, and other commands
 * written on the client in the same tick merely share the write.
 *
 * ioredis' `enableAutoPipelining` is not the tool here: it keeps one pipeline in flight per
 * connection, which halves throughput with 64 commands in flight. Standalone and Sentinel
 * clients only; a Cluster client writes to one socket per node and is left as it is.
 */
export function coalesceWrites(client: ScriptClient, chunk: number = DEFAULTS.writeChunk): void {
  if (client.isCluster) return;
  const { stream, status } = client as Redis;
  if (!stream || status !== 'ready') return;
  const written = corked.get(stream);
  if (written === undefined) {
    corked.set(stream, 1);
    stream.cork();
    process.nextTick(() => {
      if (corked.get(stream) === undefined) return;
      corked.delete(stream);
      stream.uncork();
    });
  } else if (written >= chunk) {
    // Send the full chunk now; the command about to be written starts the next one.
    stream.uncork();
    stream.cork();
    corked.set(stream, 1);
  } else {
    corked.set(stream, written + 1);
  }
}
