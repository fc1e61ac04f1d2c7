// The demo's promises, checked against what the nodes report and what Redis holds. Pure:
// the orchestrator gathers the facts, this decides.
import type { FinalReport } from './scenario.js';
import { SCENARIO } from './scenario.js';

export interface Invariant {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Facts {
  readonly reports: readonly FinalReport[];
  /** The runs list on the final primary: "job:node:token" per commit. */
  readonly runs: readonly string[];
  /** Committed job ids on the final primary. */
  readonly done: readonly number[];
  readonly jobs: number;
  /** Identities fail2ban lists as blocked at the end. */
  readonly blocked: readonly string[];
}

export function checkInvariants(f: Facts): Invariant[] {
  const out: Invariant[] = [];
  const runJobs = f.runs.map((r) => Number(r.split(':')[0]));
  const runCounts = new Map<number, number>();
  for (const j of runJobs) runCounts.set(j, (runCounts.get(j) ?? 0) + 1);
  const twice = [...runCounts].filter(([, n]) => n > 1).map(([j]) => j);
  const missingJobs = Array.from({ length: f.jobs }, (_, i) => i + 1).filter((j) => !runCounts.has(j));
  out.push({
    name: 'every job ran exactly once',
    ok: twice.length === 0 && missingJobs.length === 0,
    detail: `${runCounts.size}/${f.jobs} jobs committed once${twice.length ? `; twice: ${twice.join(', ')}` : ''}${missingJobs.length ? `; never: ${missingJobs.slice(0, 10).join(', ')}` : ''}`,
  });
  const done = new Set(f.done);
  const lostJobs = f.reports.flatMap((r) => r.committed.filter((j) => !done.has(j)));
  out.push({
    name: 'no acknowledged job commit lost',
    ok: lostJobs.length === 0,
    detail: `${f.reports.reduce((n, r) => n + r.committed.length, 0)} acknowledged commits, ${lostJobs.length} missing after the failover`,
  });
  let expected = 0;
  let missing = 0;
  let duplicated = 0;
  let disordered = 0;
  for (const receiver of f.reports) {
    for (const sender of f.reports) {
      if (sender === receiver) continue;
      const got = receiver.received[sender.node] ?? [];
      expected += sender.published.length;
      const set = new Set(got);
      duplicated += got.length - set.size;
      missing += sender.published.filter((id) => !set.has(id)).length;
      const order = got.filter((id) => sender.published.includes(id));
      if (order.some((id, i) => i > 0 && id < (order[i - 1] as string))) disordered++;
    }
  }
  out.push({
    name: 'every event delivered to every other node, once, in order',
    ok: missing === 0 && duplicated === 0 && disordered === 0,
    detail: `${expected - missing}/${expected} deliveries${duplicated ? `, ${duplicated} twice` : ''}${disordered ? `, ${disordered} streams out of order` : ''}`,
  });
  const admitted = new Map<string, number>();
  for (const r of f.reports) for (const [k, n] of Object.entries(r.admitted)) admitted.set(k, (admitted.get(k) ?? 0) + n);
  const over = [...admitted].filter(([k, n]) => n > (k.startsWith('account|') ? SCENARIO.perAccount.limit : SCENARIO.perIp.limit));
  out.push({
    name: 'rate limits respected in every window, across nodes',
    ok: over.length === 0,
    detail:
      `${admitted.size} (key, window) pairs, none over its limit${over.length ? ` — over: ${over.map(([k, n]) => `${k}=${n}`).join(', ')}` : ''}`.replace(
        ', none over its limit — over',
        ' — over',
      ),
  });
  out.push({
    name: 'the brute-forcing address is blocked by fail2ban',
    ok: f.blocked.includes(SCENARIO.attacker),
    detail: `blocked: ${f.blocked.join(', ') || 'none'}`,
  });
  return out;
}
