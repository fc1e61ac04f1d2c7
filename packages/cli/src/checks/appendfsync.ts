import { configRefused, type NodeCheck, nodeEngine, pass, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { settingFix } from '../engine.js';

/** `persistence.appendfsync`: how often the AOF reaches the disk. */
export const appendfsync: NodeCheck = {
  kind: 'node',
  id: 'persistence.appendfsync',
  title: 'AOF fsync policy',
  doc: {
    checks: 'CONFIG `appendfsync`, when AOF is on',
    verdicts:
      'pass `everysec` (at most ~1 s lost) or `always` (slower writes); warn `no` (the OS flushes when it likes, ~30 s); cache: passes',
    fix: 'CONFIG SET appendfsync everysec',
    answers: 'redis/docs latency guide, durability ladder',
  },
  judge(node, ctx) {
    if (node.info.aof_enabled !== '1') return undefined;
    const a = configAnswer(node.config, 'appendfsync');
    if (a.state !== 'value') return configRefused(node, ctx, 'appendfsync', 'everysec');
    const expected = 'everysec';
    if (a.value === 'everysec') return pass('everysec', expected);
    if (a.value === 'always') return pass('always (every write waits for the disk)', expected);
    if (ctx.profile === 'cache') return pass(a.value, 'any for a cache');
    return verdict(
      'warn',
      `${a.value}: a crash loses what the OS had not flushed (~30 s)`,
      expected,
      settingFix(nodeEngine(node, ctx).provider, 'appendfsync', 'everysec'),
    );
  },
};
