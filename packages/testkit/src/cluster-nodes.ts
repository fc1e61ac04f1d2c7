/** One line of CLUSTER NODES, parsed. */
export interface ClusterNodeLine {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly busPort: number;
  readonly flags: readonly string[];
  readonly role: 'master' | 'replica';
  /** The master's id for a replica, undefined for a master. */
  readonly masterId: string | undefined;
  readonly configEpoch: number;
  readonly connected: boolean;
  /** Slot ranges served (masters only), inclusive. */
  readonly slots: readonly (readonly [number, number])[];
  /** `fail` or `fail?` is among the flags. */
  readonly failing: boolean;
}

/** Parses CLUSTER NODES output (https://redis.io/docs/latest/commands/cluster-nodes/). */
export function parseClusterNodes(text: string): ClusterNodeLine[] {
  const out: ClusterNodeLine[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 8) continue;
    const [id, addr, flagText, master, , , epoch, link, ...slotParts] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      ...string[],
    ];
    // ip:port@cport[,hostname]
    const m = /^(.*):(\d+)@(\d+)/.exec(addr);
    const flags = flagText.split(',');
    const slots: [number, number][] = [];
    for (const s of slotParts) {
      if (s.startsWith('[')) continue; // a slot being imported or migrated
      const [a, b] = s.split('-');
      slots.push([Number(a), Number(b ?? a)]);
    }
    out.push({
      id,
      host: m?.[1] ?? '',
      port: Number(m?.[2] ?? 0),
      busPort: Number(m?.[3] ?? 0),
      flags,
      role: flags.includes('slave') ? 'replica' : 'master',
      masterId: master === '-' ? undefined : master,
      configEpoch: Number(epoch),
      connected: link === 'connected',
      slots,
      failing: flags.includes('fail') || flags.includes('fail?'),
    });
  }
  return out;
}

/** Splits 16384 slots into `masters` contiguous ranges, as `redis-cli --cluster create` does. */
export function slotRanges(masters: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < masters; i++) {
    out.push([Math.floor((i * 16384) / masters), Math.floor(((i + 1) * 16384) / masters) - 1]);
  }
  return out;
}
