import { type DeploymentCheck, formatBytes, pass, type Verdict, verdict } from '../check.js';
import { procKb, readHostFile } from '../host-facts.js';
import { reachableData } from '../topology.js';

/** The verdict on a Redis process's swapped-out memory (pure). */
export function judgeSwap(swappedBytes: number): Verdict {
  if (swappedBytes === 0) return pass('0 B of Redis swapped out', '0 B swapped');
  return verdict(
    'warn',
    `${formatBytes(swappedBytes)} of Redis swapped out: a command touching those pages waits for the disk`,
    '0 B swapped',
    'give the host more memory or lower maxmemory; vm.swappiness=1',
  );
}

/** `host.swap`: memory of the Redis process on swap. */
export const hostSwap: DeploymentCheck = {
  kind: 'deployment',
  id: 'host.swap',
  title: 'Host: Redis not swapped',
  doc: {
    checks:
      'VmSwap in /proc/<process_id>/status for each data node running on this host (INFO `process_id`; loopback target or --host-checks)',
    verdicts: 'pass 0; warn > 0',
    fix: 'more memory or a lower maxmemory; vm.swappiness=1',
    answers: 'Redis latency guide (swapping)',
  },
  async run(ctx) {
    if (!ctx.hostChecks) return [];
    const out: Verdict[] = [];
    for (const n of reachableData(ctx.topology)) {
      const pid = n.info.process_id;
      if (!pid) continue;
      const comm = await readHostFile(`/proc/${pid}/comm`);
      // Another process under that pid (Redis on another host or in another pid namespace).
      if (!comm || !/redis|valkey|keydb/i.test(comm)) continue;
      const status = await readHostFile(`/proc/${pid}/status`);
      const swapped = status ? procKb(status, 'VmSwap') : undefined;
      if (swapped !== undefined) out.push({ ...judgeSwap(swapped), node: n.address });
    }
    return out;
  },
};
