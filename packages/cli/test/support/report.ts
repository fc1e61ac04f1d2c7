import { type CheckResult, type CheckStatus, countStatuses, type DoctorReport } from '../../src/report.js';

/** A result with a status, for report-level tests. */
export function resultWith(status: CheckStatus, id = 'memory.eviction-policy', node: string | null = '127.0.0.1:6379'): CheckResult {
  return {
    id,
    title: id,
    status,
    observed: `observed ${status}`,
    expected: 'expected',
    fix: status === 'pass' ? '' : `fix for ${id}`,
    node,
  };
}

/** A report around some results. */
export function reportWith(results: CheckResult[], over: Partial<DoctorReport> = {}): DoctorReport {
  return {
    schemaVersion: 1,
    tool: { name: '@coordis/cli', version: '0.0.0' },
    target: 'redis://:[redacted]@127.0.0.1:6379',
    mode: 'standalone',
    profile: 'coordination',
    startedAt: new Date(0).toISOString(),
    durationMs: 12,
    complete: true,
    connected: true,
    nodes: [{ address: '127.0.0.1:6379', kind: 'data', role: 'primary', reachable: true }],
    summary: countStatuses(results),
    results,
    ...over,
  };
}
