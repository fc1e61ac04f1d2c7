import { configRefused, isPrimary, type NodeCheck, nodeEngine, pass, verdict } from '../check.js';
import { settingFix } from '../engine.js';
import { infoNumber } from '../info.js';
import { persistenceOf } from './persistence-enabled.js';

/** `persistence.replicated-primary`: a primary with replicas but no persistence. */
export const replicatedPrimary: NodeCheck = {
  kind: 'node',
  id: 'persistence.replicated-primary',
  title: 'Primary with replicas persists',
  doc: {
    checks: 'INFO `role`, `connected_slaves`, `aof_enabled`; CONFIG `save`',
    verdicts:
      'fail: a primary with replicas and neither AOF nor RDB (an automatic restart comes back empty and the replicas copy the empty dataset); pass otherwise; cache: passes',
    fix: 'CONFIG SET appendonly yes on the primary (or turn off automatic restarts)',
    answers: 'Redis administration guide, replication safety',
  },
  judge(node, ctx) {
    const replicas = infoNumber(node.info, 'connected_slaves') ?? 0;
    if (!isPrimary(node) || replicas === 0) return undefined;
    const p = persistenceOf(node);
    const expected = 'AOF or RDB on a primary that has replicas';
    const observed = `${replicas} replica${replicas === 1 ? '' : 's'}, AOF ${p.aof ? 'on' : 'off'}, RDB ${p.rdb === undefined ? 'unknown' : p.rdb ? 'on' : 'off'}`;
    if (ctx.profile === 'cache') return pass(observed, 'optional for a cache');
    if (p.aof || p.rdb) return pass(observed, expected);
    if (p.rdb === undefined) return configRefused(node, ctx, 'save', expected);
    return verdict(
      'fail',
      `${observed}: restarted empty, it hands the empty dataset to every replica`,
      expected,
      settingFix(nodeEngine(node, ctx).provider, 'appendonly', 'yes'),
    );
  },
};
