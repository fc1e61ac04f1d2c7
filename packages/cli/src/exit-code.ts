import type { CheckStatus, DoctorReport } from './report.js';

/** The exit codes of `coordis doctor`, as documented. */
export const EXIT = {
  /** Every check passed (or was skipped). */
  ok: 0,
  /** At least one warning (or a check that could not finish: `error`). */
  warn: 1,
  /** At least one failure. */
  fail: 2,
  /** The URL's node, or every sentinel, could not be reached or refused the credentials. */
  unreachable: 3,
  /** Bad arguments or options: nothing was checked. */
  usage: 4,
} as const;

/** Which results make the exit code non-zero: `warn` (the default) or only `fail`. */
export type FailOn = 'warn' | 'fail';

/** True when a status reaches the `failOn` level (`error` counts as a warning: it was not judged). */
export function reaches(status: CheckStatus, failOn: FailOn): boolean {
  if (status === 'fail') return true;
  return failOn === 'warn' && (status === 'warn' || status === 'error');
}

/**
 * The exit code for a report: 3 when not connected; else 2 on any fail; else 1 on any warn or
 * error (unless `failOn: 'fail'`); else 0. Skips count as passes unless the report was made
 * with `strict`, which turns them into warnings.
 */
export function exitCodeFor(report: DoctorReport, failOn: FailOn = 'warn'): number {
  if (!report.connected) return EXIT.unreachable;
  if (report.results.some((r) => r.status === 'fail')) return EXIT.fail;
  if (report.results.some((r) => reaches(r.status, failOn))) return EXIT.warn;
  return EXIT.ok;
}
