import { DEFAULTS } from './defaults.js';
import { DeploymentUnsafeError } from './errors.js';
import { type FailOn, reaches } from './exit-code.js';
import type { DoctorReport } from './report.js';

/** Options of {@link assertDeployment}. */
export interface AssertDeploymentOptions {
  /** Throw on failures only (`'fail'`, the default), or on warnings (and errors) too. @default 'fail' */
  readonly failOn?: FailOn;
  /** Also throw when a check could not be done (`skip`). @default false */
  readonly strict?: boolean;
}

/**
 * Throws a {@link DeploymentUnsafeError} listing every result at or above `failOn`, each with
 * its fix line, so a service can refuse to start on a deployment that would lose its data:
 *
 * ```ts
 * assertDeployment(await runDoctor({ url: process.env.REDIS_URL }));
 * ```
 */
export function assertDeployment(report: DoctorReport, options: AssertDeploymentOptions = {}): void {
  const failOn = options.failOn ?? DEFAULTS.assertFailOn;
  const bad = report.results.filter((r) => reaches(r.status, failOn) || (options.strict === true && r.status === 'skip'));
  if (bad.length > 0) throw new DeploymentUnsafeError(bad, report.target);
}
