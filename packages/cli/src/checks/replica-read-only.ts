import { configRefused, isReplica, type NodeCheck, nodeEngine, pass, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { settingFix } from '../engine.js';

/** `replication.replica-read-only`: a writable replica. */
export const replicaReadOnly: NodeCheck = {
  kind: 'node',
  id: 'replication.replica-read-only',
  title: 'Replicas read-only',
  doc: {
    checks: 'CONFIG `replica-read-only` on each replica',
    verdicts: 'pass yes; fail no (writes to a replica vanish at the next sync and split the state)',
    fix: 'CONFIG SET replica-read-only yes',
  },
  judge(node, ctx) {
    if (!isReplica(node)) return undefined;
    const a = configAnswer(node.config, 'replica-read-only');
    if (a.state !== 'value') return configRefused(node, ctx, 'replica-read-only', 'yes');
    if (a.value === 'yes') return pass('yes', 'yes');
    return verdict(
      'fail',
      `${a.value}: writes a client sends here vanish at the next sync`,
      'yes',
      settingFix(nodeEngine(node, ctx).provider, 'replica-read-only', 'yes'),
    );
  },
};
