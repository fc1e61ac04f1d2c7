// A service that refuses to start on a deployment that would lose its locks and limits:
// runDoctor() judges the Redis it is given, assertDeployment() throws with the fixes.
// Run: REDIS_URL=redis://127.0.0.1:6379 pnpm start
import { assertDeployment, isDeploymentUnsafeError, runDoctor } from '@coordis/cli';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const report = await runDoctor({ url, profile: 'coordination', checks: ['-host', '-client-host'] });
const counts = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
for (const r of report.results) counts[r.status]++;
console.log(`${report.mode} deployment, ${report.results.length} checks in ${report.durationMs} ms: ${JSON.stringify(counts)}`);
for (const r of report.results.filter((x) => x.status === 'fail')) console.log(`FAIL ${r.id}: ${r.observed} — fix: ${r.fix}`);
try {
  assertDeployment(report, { failOn: 'fail' });
  console.log('deployment accepted: starting the service');
} catch (e) {
  if (!isDeploymentUnsafeError(e)) throw e;
  console.log('deployment refused: the service does not start');
  process.exitCode = 2;
}
