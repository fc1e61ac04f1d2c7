import { configRefused, type NodeCheck, nodeEngine, pass, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { settingFix } from '../engine.js';

/** `connections.timeout`: the server closing idle clients. */
export const clientTimeout: NodeCheck = {
  kind: 'node',
  id: 'connections.timeout',
  title: 'Idle client timeout',
  doc: {
    checks: 'CONFIG `timeout`',
    verdicts:
      'pass 0 (idle clients kept; dead ones found by tcp-keepalive) or ≥ 30 s; warn 1–29 s (a quiet service reconnects over and over). Threshold `minS`',
    fix: 'CONFIG SET timeout 0 (and keep tcp-keepalive on)',
  },
  judge(node, ctx) {
    const a = configAnswer(node.config, 'timeout');
    const min = ctx.thresholds['connections.timeout'].minS;
    const expected = `0, or ≥ ${min} s`;
    if (a.state !== 'value') return configRefused(node, ctx, 'timeout', expected);
    const s = Number(a.value);
    if (s === 0) return pass('0 (idle clients kept)', expected);
    if (s >= min) return pass(`${s} s`, expected);
    return verdict(
      'warn',
      `${s} s: idle pooled connections are closed and reopened all the time`,
      expected,
      settingFix(nodeEngine(node, ctx).provider, 'timeout', '0'),
    );
  },
};
