import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { readHostFile } from '../host-facts.js';

/** The verdict on vm.overcommit_memory (pure). */
export function judgeOvercommit(value: string): Verdict {
  if (value === '1') return pass('vm.overcommit_memory = 1', '1');
  return verdict(
    'warn',
    `vm.overcommit_memory = ${value}: the fork of BGSAVE / AOF rewrite / full sync can fail under memory pressure (then MISCONF)`,
    '1',
    'sysctl vm.overcommit_memory=1 (and vm.overcommit_memory = 1 in /etc/sysctl.conf)',
  );
}

/** `host.overcommit`: the Redis host lets the persistence fork happen. */
export const hostOvercommit: DeploymentCheck = {
  kind: 'deployment',
  id: 'host.overcommit',
  title: 'Host: vm.overcommit_memory',
  doc: {
    checks:
      '/proc/sys/vm/overcommit_memory of this host — only when the target is on loopback or with --host-checks (the doctor runs on the Redis host)',
    verdicts: 'pass 1; warn otherwise (Redis warns about it at start)',
    fix: 'sysctl vm.overcommit_memory=1',
    answers: 'Redis administration guide',
  },
  async run(ctx) {
    if (!ctx.hostChecks) return [];
    const v = await readHostFile('/proc/sys/vm/overcommit_memory');
    return v === undefined ? [] : [judgeOvercommit(v)];
  },
};
