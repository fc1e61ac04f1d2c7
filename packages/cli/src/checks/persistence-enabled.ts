import { configRefused, type NodeCheck, nodeEngine, pass, type Verdict, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { settingFix } from '../engine.js';
import type { Profile } from '../report.js';
import type { DataNodeFacts } from '../topology.js';

/** Whether a node persists: AOF (INFO, no CONFIG needed), RDB `save` rules (CONFIG), or unknown. */
export function persistenceOf(node: DataNodeFacts): { aof: boolean; rdb: boolean | undefined; save: string | undefined } {
  const aof = node.info.aof_enabled === '1';
  const save = configAnswer(node.config, 'save');
  if (save.state !== 'value') return { aof, rdb: undefined, save: undefined };
  return { aof, rdb: save.value.trim() !== '', save: save.value.trim() };
}

/** The verdict on persistence for a profile (pure). */
export function judgePersistence(aof: boolean, rdb: boolean, save: string, profile: Profile, fix: string): Verdict {
  const parts = [aof ? 'AOF on' : 'AOF off', rdb ? `RDB save "${save}"` : 'no RDB save rules'];
  const observed = parts.join(', ');
  if (profile === 'cache') return pass(observed, 'optional for a cache');
  const expected = 'AOF (appendfsync everysec) or RDB snapshots';
  if (aof || rdb) return pass(observed, expected);
  return verdict('fail', `${observed}: a restart empties the dataset — every lock, job and counter`, expected, fix);
}

/** `persistence.enabled`: whether a restart keeps the data. */
export const persistenceEnabled: NodeCheck = {
  kind: 'node',
  id: 'persistence.enabled',
  title: 'Persistence on',
  doc: {
    checks: 'INFO `aof_enabled`; CONFIG `save`',
    verdicts: 'pass AOF or RDB rules; fail neither (coordination, queue); cache: passes either way',
    fix: 'CONFIG SET appendonly yes (appendfsync everysec), or save rules; CONFIG REWRITE',
    answers: 'bullmq#390 (a restart lost every job); Convoy needs queue state across restarts',
  },
  judge(node, ctx) {
    const p = persistenceOf(node);
    const fix = `${settingFix(nodeEngine(node, ctx).provider, 'appendonly', 'yes')} (with appendfsync everysec)`;
    if (p.aof) return judgePersistence(true, p.rdb ?? false, p.save ?? '', ctx.profile, fix);
    if (p.rdb === undefined) {
      if (ctx.profile === 'cache') return pass('AOF off, RDB rules unknown (CONFIG refused)', 'optional for a cache');
      return configRefused(node, ctx, 'save', 'AOF or RDB snapshots');
    }
    return judgePersistence(false, p.rdb, p.save ?? '', ctx.profile, fix);
  },
};
