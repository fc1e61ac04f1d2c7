import { configRefused, infoRefused, type NodeCheck, nodeEngine, pass, type Verdict, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { settingFix } from '../engine.js';
import { infoNumber } from '../info.js';

/** The verdict on connected clients against maxclients (pure). */
export function judgeClients(
  connected: number,
  max: number,
  t: { readonly warnPct: number; readonly failPct: number },
  fix: string,
): Verdict {
  const pct = (connected / max) * 100;
  const observed = `${connected} of ${max} clients (${pct.toFixed(0)}%)`;
  const expected = `< ${t.warnPct}% of maxclients`;
  if (pct < t.warnPct) return pass(observed, expected);
  return verdict(
    pct < t.failPct ? 'warn' : 'fail',
    `${observed}: at maxclients new connections are refused`,
    expected,
    `look for leaked connections (CLIENT LIST, by name and idle time) before raising maxclients: ${fix}`,
  );
}

/** `connections.maxclients`: headroom to maxclients. */
export const maxclients: NodeCheck = {
  kind: 'node',
  id: 'connections.maxclients',
  title: 'Clients / maxclients',
  doc: {
    checks: 'INFO `connected_clients` against `maxclients` (INFO on Redis ≥ 7, else CONFIG)',
    verdicts: 'pass < 80%; warn < 95%; fail above. Thresholds `warnPct`, `failPct`',
    fix: 'find leaked connections (CLIENT LIST) before raising maxclients',
    answers: 'bullmq#336, bull#1453, project-nomad#885 (a leak reaches maxclients in hours)',
  },
  judge(node, ctx) {
    const connected = infoNumber(node.info, 'connected_clients');
    if (connected === undefined) return node.infoError ? infoRefused(node, '< 80% of maxclients') : undefined;
    let max = infoNumber(node.info, 'maxclients');
    if (max === undefined) {
      const a = configAnswer(node.config, 'maxclients');
      if (a.state !== 'value') return configRefused(node, ctx, 'maxclients', '< 80% of maxclients');
      max = Number(a.value);
    }
    if (!max) return undefined;
    return judgeClients(
      connected,
      max,
      ctx.thresholds['connections.maxclients'],
      settingFix(nodeEngine(node, ctx).provider, 'maxclients', String(max * 2)),
    );
  },
};
