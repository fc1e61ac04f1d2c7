import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { infoNumber, parseInfo } from '../info.js';
import { errorText } from '../node-connection.js';
import { reachableData } from '../topology.js';

/** The verdict on rejected connections, lifetime and during the run (pure). */
export function judgeRejected(before: number, after: number | undefined): Verdict {
  const expected = '0 rejected';
  const grew = after !== undefined && after > before;
  const observed = `${after ?? before} rejected since start${grew ? `, ${(after as number) - before} during this run` : ''}`;
  const fix =
    'connections hit maxclients (or the OS file limit): find leaked connections with CLIENT LIST, then raise maxclients / ulimit -n';
  if (grew) return verdict('fail', `${observed}: clients are being refused right now`, expected, fix);
  if ((after ?? before) > 0) return verdict('warn', observed, expected, fix);
  return pass(observed, expected);
}

/** `connections.rejected`: connections refused at maxclients. */
export const rejectedConnections: DeploymentCheck = {
  kind: 'deployment',
  id: 'connections.rejected',
  title: 'Rejected connections',
  doc: {
    checks: 'INFO `rejected_connections`, read at discovery and again at the end of the run',
    verdicts: 'pass 0; warn > 0 since start; fail when it grows during the run',
    fix: 'find leaked connections (CLIENT LIST), then raise maxclients / the file-descriptor limit',
    answers: 'bullmq#336, bull#163',
  },
  async run(ctx) {
    const out: Verdict[] = [];
    await Promise.all(
      reachableData(ctx.topology).map(async (node) => {
        const before = infoNumber(node.info, 'rejected_connections');
        if (before === undefined) return;
        let after: number | undefined;
        try {
          const r = ctx.connection('data', node.address);
          if (r) after = infoNumber(parseInfo(String(await r.info('stats'))), 'rejected_connections');
        } catch (e) {
          out.push({ ...verdict('error', `INFO stats failed: ${errorText(e)}`, '0 rejected', 'run the doctor again'), node: node.address });
          return;
        }
        out.push({ ...judgeRejected(before, after), node: node.address });
      }),
    );
    return out;
  },
};
