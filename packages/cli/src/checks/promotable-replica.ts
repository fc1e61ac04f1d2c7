import { formatHostPort } from '../address.js';
import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { reachableSentinels, type SentinelFacts } from '../topology.js';

/** Why Sentinel could not promote a replica it lists, or undefined when it could. */
export function unpromotableReason(r: Readonly<Record<string, string>>): string | undefined {
  const flags = (r.flags ?? '').split(',');
  const bad = flags.filter((f) => ['s_down', 'o_down', 'disconnected'].includes(f));
  if (bad.length) return bad.join(',');
  if (!flags.includes('slave')) return `flags ${r.flags ?? '?'}`;
  if (r['master-link-status'] !== undefined && r['master-link-status'] !== 'ok') return `link ${r['master-link-status']}`;
  const priority = Number(r['slave-priority'] ?? r['replica-priority'] ?? 100);
  if (priority === 0) return 'replica-priority 0 (never promoted)';
  return undefined;
}

/** The verdict on whether Sentinel has a replica to promote (pure). */
export function judgePromotable(view: SentinelFacts['view'], masterName: string): Verdict {
  const replicas = view.replicas;
  const expected = 'at least one replica Sentinel can promote';
  if (replicas.length === 0) {
    return verdict(
      'fail',
      'no replica: a failover has nothing to promote',
      expected,
      `add a replica (REPLICAOF <primary>) on another host; sentinels find it within 10 s`,
    );
  }
  const reasons = replicas.map((r) => ({ addr: formatHostPort(r.ip ?? '?', Number(r.port)), why: unpromotableReason(r) }));
  const good = reasons.filter((r) => !r.why);
  if (good.length) return pass(`${good.length} of ${replicas.length} promotable (${good.map((r) => r.addr).join(', ')})`, expected);
  return verdict(
    'fail',
    `none of ${replicas.length} promotable: ${reasons.map((r) => `${r.addr} ${r.why}`).join('; ')}`,
    expected,
    `bring a replica's link up and give it replica-priority > 0; SENTINEL REPLICAS ${masterName} shows what Sentinel sees`,
  );
}

/** `sentinel.promotable-replica`: a replica Sentinel can promote. */
export const promotableReplica: DeploymentCheck = {
  kind: 'deployment',
  id: 'sentinel.promotable-replica',
  title: 'Promotable replica',
  doc: {
    checks: 'SENTINEL REPLICAS <name>: `flags`, `master-link-status`, `slave-priority`',
    verdicts: 'pass at least one replica up, linked, priority > 0; fail none',
    fix: "add a replica or bring one's link up; replica-priority > 0",
  },
  run(ctx) {
    const t = ctx.topology;
    if (t.mode !== 'sentinel') return [];
    const sentinels = reachableSentinels(t);
    const best =
      sentinels.find((s) => s.view.master?.ip && formatHostPort(s.view.master.ip, Number(s.view.master.port)) === t.primary) ??
      sentinels[0];
    return best ? [judgePromotable(best.view, t.masterName ?? '')] : [];
  },
};
