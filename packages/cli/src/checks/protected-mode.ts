import { publicBindAddresses } from '../address.js';
import { configRefused, type NodeCheck, nodeEngine, pass, type Verdict, verdict } from '../check.js';
import { configAnswer } from '../config-facts.js';
import { settingFix } from '../engine.js';

/** The verdict on protected-mode with a bind (pure). */
export function judgeProtectedMode(protectedMode: string, bind: string, fix: string): Verdict {
  const pub = publicBindAddresses(bind);
  const observed = `protected-mode ${protectedMode}, bind ${bind || '(all interfaces)'}`;
  const expected = 'protected-mode yes, or a bind on private / loopback addresses';
  if (protectedMode === 'no' && pub.length > 0) {
    return verdict('warn', `${observed}: nothing stops a client from another network if the default user has no password`, expected, fix);
  }
  return pass(observed, expected);
}

/** `security.protected-mode`: protected-mode off with a public bind. */
export const protectedMode: NodeCheck = {
  kind: 'node',
  id: 'security.protected-mode',
  title: 'Protected mode',
  doc: {
    checks: 'CONFIG `protected-mode`, `bind`',
    verdicts: 'pass protected-mode yes, or a loopback bind; warn protected-mode no with a non-loopback bind',
    fix: 'CONFIG SET protected-mode yes, or bind to private addresses only',
    answers: 'redis/redis#4263',
  },
  judge(node, ctx) {
    const pm = configAnswer(node.config, 'protected-mode');
    if (pm.state !== 'value') return configRefused(node, ctx, 'protected-mode', 'yes');
    const bind = configAnswer(node.config, 'bind');
    if (bind.state !== 'value') return configRefused(node, ctx, 'bind', 'loopback or private addresses');
    return judgeProtectedMode(pm.value, bind.value, settingFix(nodeEngine(node, ctx).provider, 'protected-mode', 'yes'));
  },
};
