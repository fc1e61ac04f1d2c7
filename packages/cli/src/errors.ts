import { CoordisError, hasCode } from '@coordis/client';
import type { CheckResult } from './report.js';

/** An option of `runDoctor()`, `runMonitor()` or the command line is wrong (exit code 4). */
export class DoctorOptionsError extends CoordisError {
  /** The option that is wrong: `profile`, `checks`, `thresholds`, `timeoutMs`, `url`… */
  readonly part: string;

  constructor(part: string, message: string, options?: { cause?: unknown }) {
    super('COORDIS_DOCTOR_OPTIONS', message, options);
    this.part = part;
  }
}

/**
 * `assertDeployment()` found results at or above its `failOn` level: the deployment would lose
 * data or stall the service. The message lists each one with its fix; `results` holds them.
 */
export class DeploymentUnsafeError extends CoordisError {
  readonly results: readonly CheckResult[];

  constructor(results: readonly CheckResult[], target: string) {
    const lines = results.map((r) => `- ${r.status.toUpperCase()} ${r.id}${r.node ? ` (${r.node})` : ''}: ${r.observed}. Fix: ${r.fix}`);
    super(
      'COORDIS_DEPLOYMENT_UNSAFE',
      `the Redis deployment at ${target} is not safe for this workload (${results.length} problem${results.length === 1 ? '' : 's'}); fix these and start again:\n${lines.join('\n')}`,
    );
    this.results = results;
  }
}

/** True for a {@link DoctorOptionsError}, also one from another copy of the package. */
export const isDoctorOptionsError = (e: unknown): e is DoctorOptionsError => hasCode(e, 'COORDIS_DOCTOR_OPTIONS');

/** True for a {@link DeploymentUnsafeError}, also one from another copy of the package. */
export const isDeploymentUnsafeError = (e: unknown): e is DeploymentUnsafeError => hasCode(e, 'COORDIS_DEPLOYMENT_UNSAFE');
