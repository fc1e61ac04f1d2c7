import type { CheckResult, CheckStatus, DoctorReport } from '../../src/report.js';
import { type RunDoctorOptions, runDoctor } from '../../src/run-doctor.js';

/**
 * A short latency sample: integration tests check what the doctor concludes, not how fast
 * Redis answers (timing is measured in benchmarks), so 10 PINGs are enough.
 */
export const QUICK = { latency: { samples: 10, intervalMs: 1 } } as const;

/** Runs the doctor with a short latency sample. */
export function doctor(url: string, options: Omit<RunDoctorOptions, 'url'> = {}): Promise<DoctorReport> {
  return runDoctor({ ...QUICK, ...options, url });
}

/** The results of one check (on one node, if given). */
export function resultsOf(report: DoctorReport, id: string, node?: string): CheckResult[] {
  return report.results.filter((r) => r.id === id && (node === undefined || r.node === node));
}

/** The status of a check that has exactly one result (on that node). */
export function statusOf(report: DoctorReport, id: string, node?: string): CheckStatus {
  const rs = resultsOf(report, id, node);
  if (rs.length !== 1) throw new Error(`expected one ${id} result${node ? ` on ${node}` : ''}, got ${rs.length}: ${JSON.stringify(rs)}`);
  return (rs[0] as CheckResult).status;
}

/** The one result of a check (on that node). */
export function resultOf(report: DoctorReport, id: string, node?: string): CheckResult {
  statusOf(report, id, node);
  return resultsOf(report, id, node)[0] as CheckResult;
}

/** Results that are not a pass, as `status id node: observed` lines, for readable failures. */
export function problems(report: DoctorReport): string[] {
  return report.results.filter((r) => r.status !== 'pass').map((r) => `${r.status} ${r.id} ${r.node ?? ''}: ${r.observed}`);
}

/**
 * An application user as a well-run deployment has one: everything but administration, plus
 * INFO and CONFIG GET for the doctor and the right to read its own rules (ACL GETUSER).
 */
export const APP_RULES = '~* &* +@all -@admin -@dangerous +info +config|get +cluster|info +cluster|nodes +acl|getuser';

/** Redis settings of a deployment that coordination data can trust. */
export const WELL_CONFIGURED = { appendonly: 'yes', appendfsync: 'everysec', maxmemory: '64mb', 'maxmemory-policy': 'noeviction' } as const;
