import { formatBytes, formatMs } from '../check.js';
import type { Palette } from '../render-style.js';
import type { CheckStatus } from '../report.js';
import type { MonitorNode, MonitorSnapshot } from './snapshot.js';
import { sparkline } from './sparkline.js';

/** A cell: its text, and the verdict that colours it. */
interface Cell {
  readonly text: string;
  readonly verdict?: CheckStatus | undefined;
}

function paint(c: Palette, cell: Cell, width: number): string {
  const text = cell.text.length > width ? `${cell.text.slice(0, width - 1)}…` : cell.text.padEnd(width);
  switch (cell.verdict) {
    case 'pass':
      return c.green(text);
    case 'warn':
      return c.yellow(text);
    case 'fail':
      return c.red(text);
    case 'skip':
    case 'error':
      return c.dim(text);
    default:
      return text;
  }
}

function row(c: Palette, cells: readonly Cell[], widths: readonly number[]): string {
  return cells.map((cell, i) => paint(c, cell, widths[i] ?? 10)).join(' ');
}

function localTime(iso: string): string {
  return new Date(iso).toTimeString().slice(0, 8);
}

function nodeCells(n: MonitorNode): Cell[] {
  if (!n.up) return [{ text: n.address }, { text: 'DOWN', verdict: 'fail' }, { text: n.error ?? '', verdict: 'fail' }];
  const m = n.memory;
  const mem: Cell = m
    ? {
        text: `${formatBytes(m.usedBytes)}/${m.maxBytes ? formatBytes(m.maxBytes) : '∞'}${m.maxBytes ? ` ${((m.usedBytes / m.maxBytes) * 100).toFixed(0)}%` : ''} ${m.policy} f${m.fragmentation?.toFixed(1) ?? '?'}`,
        verdict: m.verdict,
      }
    : { text: '' };
  const cl = n.clients;
  const clients: Cell = cl
    ? { text: `${cl.connected}/${cl.max ?? '?'} b${cl.blocked} r+${cl.rejectedDelta}`, verdict: cl.rejectedDelta > 0 ? 'fail' : cl.verdict }
    : { text: '' };
  const save: Cell = n.lastSave
    ? { text: `${n.lastSave.status}${n.lastSave.ageS !== undefined ? ` ${n.lastSave.ageS}s ago` : ''}`, verdict: n.lastSave.verdict }
    : { text: '' };
  const aof: Cell = n.aof
    ? {
        text: n.aof.enabled ? `on${n.aof.rewriting ? ' rewriting' : ''} ${n.aof.rewriteStatus}` : 'off',
        verdict: n.aof.rewriteStatus === 'ok' ? undefined : 'fail',
      }
    : { text: '' };
  const repl: Cell = n.replication
    ? { text: `${n.replication.link} lag ${n.replication.lagS ?? '?'}s`, verdict: n.replication.verdict }
    : n.cluster
      ? { text: `cluster ${n.cluster.state}`, verdict: n.cluster.verdict }
      : { text: `${n.replicas ?? 0} replica(s)` };
  return [
    { text: n.address },
    { text: n.role, verdict: n.role === 'primary' ? 'pass' : undefined },
    mem,
    clients,
    { text: String(n.opsPerSec ?? '') },
    { text: n.hitRatio === null || n.hitRatio === undefined ? '-' : `${(n.hitRatio * 100).toFixed(0)}%` },
    save,
    aof,
    repl,
  ];
}

/**
 * The monitor's screen for one refresh: header, PING line with sparkline, a row per data
 * node, a row per sentinel, cluster state, and the Sentinel event pane filling the rest.
 */
export function renderScreen(s: MonitorSnapshot, c: Palette, size: { columns: number; rows: number }, intervalMs: number): string {
  const lines: string[] = [];
  lines.push(c.bold(`coordis monitor — ${s.target} (${s.mode})  ${localTime(s.at)}  every ${intervalMs} ms  Ctrl-C quits`));
  if (s.latency) {
    const l = s.latency;
    const text = `PING ${s.primary ?? ''} p50 ${formatMs(l.p50Ms)} p99 ${formatMs(l.p99Ms)} (${l.samples} samples)`;
    lines.push(`${paint(c, { text, verdict: l.verdict }, text.length)}  ${sparkline(l.history)}`);
  } else {
    lines.push(c.dim('PING no sample yet'));
  }
  lines.push('');
  const widths = [22, 8, 36, 16, 7, 5, 13, 11, 18];
  lines.push(
    c.bold(
      row(
        c,
        ['NODE', 'ROLE', 'MEMORY (policy, frag)', 'CLIENTS', 'OPS/S', 'HIT', 'LAST SAVE', 'AOF', 'REPLICATION'].map((text) => ({ text })),
        widths,
      ),
    ),
  );
  for (const n of s.nodes) lines.push(row(c, nodeCells(n), widths));
  if (s.sentinels.length) {
    lines.push('');
    const sw = [22, 22, 7, 22, 12, 6];
    lines.push(
      c.bold(
        row(
          c,
          ['SENTINEL', 'QUORUM', 'EPOCH', 'PRIMARY', 'FLAGS', 'TILT'].map((text) => ({ text })),
          sw,
        ),
      ),
    );
    for (const x of s.sentinels) {
      if (!x.up) {
        lines.push(
          row(c, [{ text: x.address }, { text: 'DOWN', verdict: 'fail' }, { text: x.error ?? '', verdict: 'fail' }], [22, 22, 60]),
        );
        continue;
      }
      lines.push(
        row(
          c,
          [
            { text: x.address },
            {
              text: x.quorum?.ok ? x.quorum.text.replace(/^OK /, 'OK ').slice(0, 21) : (x.quorum?.text ?? '?'),
              verdict: x.quorum?.ok ? 'pass' : 'fail',
            },
            { text: String(x.epoch ?? '?') },
            { text: x.primary ?? '?', verdict: s.primary && x.primary !== s.primary ? 'fail' : undefined },
            { text: x.flags ?? '?', verdict: x.flags === 'master' ? 'pass' : 'fail' },
            { text: x.tilt === undefined ? '?' : x.tilt ? 'TILT' : 'no', verdict: x.tilt ? 'fail' : undefined },
          ],
          sw,
        ),
      );
    }
  }
  if (s.cluster) {
    lines.push('');
    const text = `CLUSTER ${s.cluster.state}, ${s.cluster.slotsOk ?? '?'} of ${s.cluster.slotsAssigned ?? '?'} assigned slots ok`;
    lines.push(paint(c, { text, verdict: s.cluster.state === 'ok' && s.cluster.slotsOk === 16384 ? 'pass' : 'fail' }, text.length));
  }
  if (s.mode === 'sentinel') {
    lines.push('');
    lines.push(c.bold('SENTINEL EVENTS'));
    const room = Math.max(3, size.rows - lines.length - 1);
    const events = s.events.slice(-room);
    if (events.length === 0) lines.push(c.dim('(none yet)'));
    for (const e of events) {
      const text = `${localTime(e.at)} ${e.channel} ${e.message}${e.sentinels.length > 1 ? ` (×${e.sentinels.length})` : ` (${e.sentinels[0]})`}`;
      const important = e.channel === '+switch-master' || e.channel === '+odown' || e.channel === '+tilt' || e.channel === '+failover-end';
      lines.push(important ? c.bold(c.yellow(text)) : text);
    }
  }
  return lines.map((l) => (visibleLength(l) > size.columns ? truncateVisible(l, size.columns) : l)).join('\n');
}

const ESC = String.fromCharCode(27);
/** An SGR (colour) escape sequence: no width on screen. */
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const SGR_AT_START = new RegExp(`^${ESC}\\[[0-9;]*m`);

function visibleLength(s: string): number {
  return s.replace(SGR, '').length;
}

function truncateVisible(s: string, width: number): string {
  let out = '';
  let visible = 0;
  for (let i = 0; i < s.length && visible < width; ) {
    const m = SGR_AT_START.exec(s.slice(i));
    if (m) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    out += s[i];
    visible++;
    i++;
  }
  return `${out}${ESC}[0m`;
}
