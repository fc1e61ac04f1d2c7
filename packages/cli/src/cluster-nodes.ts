/** One line of CLUSTER NODES. */
export interface ClusterNode {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly flags: readonly string[];
  readonly role: 'master' | 'replica' | 'unknown';
  /** The master's id, for a replica. */
  readonly masterId: string | undefined;
  readonly linkState: string;
  /** Slot ranges served, inclusive (importing/migrating markers are left out). */
  readonly slots: readonly (readonly [number, number])[];
  /** `fail` or `fail?` (pfail) in the flags. */
  readonly failing: 'fail' | 'pfail' | undefined;
}

/** Parses CLUSTER NODES (Redis 3 through 7, with or without the `,hostname` suffix). */
export function parseClusterNodes(text: string): ClusterNode[] {
  const out: ClusterNode[] = [];
  for (const raw of text.split('\n')) {
    const parts = raw.trim().split(' ');
    if (parts.length < 8) continue;
    const [id, addr, flagText, master, , , , linkState, ...slotTexts] = parts as [string, string, string, string, ...string[]];
    const hostPort = (addr.split('@')[0] ?? '').split(',')[0] ?? '';
    const colon = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(hostPort.slice(colon + 1));
    const flags = flagText.split(',');
    const slots: [number, number][] = [];
    for (const s of slotTexts) {
      if (s.startsWith('[')) continue;
      const [a, b] = s.split('-');
      if (a === undefined || a === '') continue;
      slots.push([Number(a), Number(b ?? a)]);
    }
    out.push({
      id,
      host,
      port,
      address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
      flags,
      role: flags.includes('master') ? 'master' : flags.includes('slave') ? 'replica' : 'unknown',
      masterId: master === '-' ? undefined : master,
      linkState: linkState ?? 'unknown',
      slots,
      failing: flags.includes('fail') ? 'fail' : flags.includes('fail?') ? 'pfail' : undefined,
    });
  }
  return out;
}

/** How many distinct slots the nodes serve. */
export function coveredSlots(nodes: readonly ClusterNode[]): number {
  const seen = new Uint8Array(16384);
  let n = 0;
  for (const node of nodes) {
    for (const [a, b] of node.slots) {
      for (let s = Math.max(0, a); s <= Math.min(16383, b); s++) {
        if (!seen[s]) {
          seen[s] = 1;
          n++;
        }
      }
    }
  }
  return n;
}
