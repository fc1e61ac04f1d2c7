import { formatMs } from '../check.js';
import type { MonitorEvent, MonitorSnapshot } from './snapshot.js';

/** One line per refresh, for logs and pipes (no terminal). */
export function renderLine(s: MonitorSnapshot): string {
  const parts = [new Date(s.at).toTimeString().slice(0, 8), s.mode];
  if (s.primary) parts.push(`primary=${s.primary}`);
  const p = s.nodes.find((n) => n.address === s.primary) ?? s.nodes.find((n) => n.role === 'primary');
  if (p?.up && p.memory) {
    const pct = p.memory.maxBytes ? `${((p.memory.usedBytes / p.memory.maxBytes) * 100).toFixed(0)}%` : 'nomax';
    parts.push(`mem=${pct}`, `policy=${p.memory.policy}`);
  }
  if (p?.up && p.clients) parts.push(`clients=${p.clients.connected}/${p.clients.max ?? '?'}`, `rejected+=${p.clients.rejectedDelta}`);
  if (p?.up) parts.push(`ops=${p.opsPerSec ?? 0}/s`, `save=${p.lastSave?.status ?? '?'}`);
  if (s.latency) parts.push(`p50=${formatMs(s.latency.p50Ms).replace(' ', '')}`, `p99=${formatMs(s.latency.p99Ms).replace(' ', '')}`);
  const down = s.nodes.filter((n) => !n.up).map((n) => n.address);
  parts.push(`nodes=${s.nodes.length - down.length}/${s.nodes.length}up`);
  const replicas = s.nodes.filter((n) => n.replication);
  if (replicas.length) parts.push(`lag=${replicas.map((r) => `${r.replication?.link}:${r.replication?.lagS ?? '?'}s`).join(',')}`);
  if (s.sentinels.length) {
    const up = s.sentinels.filter((x) => x.up);
    const epochs = [...new Set(up.map((x) => x.epoch))];
    parts.push(
      `sentinels=${up.length}/${s.sentinels.length}`,
      `quorum=${up.filter((x) => x.quorum?.ok).length}ok`,
      `epoch=${epochs.join('/')}`,
    );
    if (up.some((x) => x.tilt)) parts.push('TILT');
  }
  if (s.cluster) parts.push(`cluster=${s.cluster.state}`, `slots=${s.cluster.slotsOk ?? '?'}`);
  if (down.length) parts.push(`down=${down.join(',')}`);
  return parts.join(' ');
}

/** One line for a Sentinel event, printed as it arrives (no terminal). */
export function renderEventLine(e: MonitorEvent): string {
  return `${new Date(e.at).toTimeString().slice(0, 8)} event ${e.channel} ${e.message} (${e.sentinels.join(',')})`;
}
