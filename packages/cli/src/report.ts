/** What a check concluded. `skip`: it could not be checked (CONFIG refused, NOPERM); never a pass. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

/** Every status, in order of severity. */
export const STATUSES: readonly CheckStatus[] = ['pass', 'skip', 'warn', 'error', 'fail'];

/** The deployment's shape as the doctor found it from the URL. */
export type DeploymentMode = 'standalone' | 'sentinel' | 'cluster' | 'unknown';

/** The workload the deployment serves; it decides the eviction and persistence verdicts. */
export type Profile = 'coordination' | 'queue' | 'cache';

/** Every profile. */
export const PROFILES: readonly Profile[] = ['coordination', 'queue', 'cache'];

/** One verdict of one check on one node (or on the whole deployment, `node: null`). */
export interface CheckResult {
  /** Stable dotted id from the catalogue (`memory.eviction-policy`). */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** The figure seen, as the server reported it. */
  readonly observed: string;
  /** What the profile wants. */
  readonly expected: string;
  /** One line that fixes it; empty on a pass. */
  readonly fix: string;
  /** `host:port` (or socket path) of the node the verdict is about; null for the whole deployment. */
  readonly node: string | null;
}

/** A node the doctor found, and whether it answered. */
export interface ReportNode {
  readonly address: string;
  readonly kind: 'data' | 'sentinel';
  readonly role: 'primary' | 'replica' | 'sentinel' | 'unknown';
  readonly reachable: boolean;
}

/** Counts of results per status. */
export type StatusCounts = Readonly<Record<CheckStatus, number>>;

/** The doctor's whole answer: what `runDoctor()` returns and `--json` prints. */
export interface DoctorReport {
  /** Bumped on any incompatible change of this shape. */
  readonly schemaVersion: 1;
  readonly tool: { readonly name: string; readonly version: string };
  /** The URL (or the client's target) with credentials removed. */
  readonly target: string;
  readonly mode: DeploymentMode;
  readonly profile: Profile;
  readonly startedAt: string;
  readonly durationMs: number;
  /** False when the time budget ran out before every check finished: the results are partial. */
  readonly complete: boolean;
  /** False when the URL's node (or every sentinel) could not be reached or authenticated to. */
  readonly connected: boolean;
  readonly nodes: readonly ReportNode[];
  readonly summary: StatusCounts;
  readonly results: readonly CheckResult[];
}

/** The current `schemaVersion`. */
export const SCHEMA_VERSION = 1 as const;

/** Counts results per status. */
export function countStatuses(results: readonly CheckResult[]): StatusCounts {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}
