import { infoRefused, type NodeCheck, pass, verdict } from '../check.js';
import { configValue } from '../config-facts.js';

const FIELDS = ['rdb_last_bgsave_status', 'aof_last_bgrewrite_status', 'aof_last_write_status'] as const;

/** `persistence.last-write`: whether the last RDB save, AOF rewrite and AOF write succeeded. */
export const persistenceLastWrite: NodeCheck = {
  kind: 'node',
  id: 'persistence.last-write',
  title: 'Last save / AOF rewrite',
  doc: {
    checks: 'INFO `rdb_last_bgsave_status`, `aof_last_bgrewrite_status`, `aof_last_write_status`',
    verdicts:
      'pass all ok; fail any err (with stop-writes-on-bgsave-error yes every write then fails with MISCONF); cache with stop-writes off: warn',
    fix: 'read the server log for the failed save (disk full, no write permission on dir, fork refused); BGSAVE once fixed',
    answers: 'bull#540, redis/redis#9913 (MISCONF)',
  },
  judge(node, ctx) {
    if (node.infoError) return infoRefused(node, 'every status ok');
    const bad = FIELDS.filter((f) => node.info[f] !== undefined && node.info[f] !== 'ok');
    const expected = 'every status ok';
    if (bad.length === 0) {
      const age = Number(node.info.rdb_last_save_time);
      const ago = Number.isFinite(age) && age > 0 ? `; last save ${Math.max(0, Math.round(Date.now() / 1000 - age))} s ago` : '';
      return pass(
        `rdb ${node.info.rdb_last_bgsave_status ?? '-'}, aof rewrite ${node.info.aof_last_bgrewrite_status ?? '-'}${ago}`,
        expected,
      );
    }
    const stopWrites = configValue(node.config, 'stop-writes-on-bgsave-error') !== 'no';
    const observed = `${bad.map((f) => `${f}:${node.info[f]}`).join(', ')}${stopWrites ? ' — writes fail with MISCONF until a save succeeds' : ''}`;
    return verdict(
      ctx.profile === 'cache' && !stopWrites ? 'warn' : 'fail',
      observed,
      expected,
      'read the server log for why the save failed (disk full, no write permission on dir, fork refused: vm.overcommit_memory=1), then BGSAVE',
    );
  },
};
