// Public surface of @coordis/cli: the doctor and the monitor as a library.
export { type AssertDeploymentOptions, assertDeployment } from './assert-deployment.js';
export { CATALOGUE, CHECK_IDS, catalogueMarkdown } from './catalogue.js';
export type { Check, CheckDoc, DeploymentCheck, JudgeContext, LiveContext, NodeCheck, Verdict } from './check.js';
export { type CliIo, main } from './cli.js';
export { DEFAULT_THRESHOLDS, DEFAULTS } from './defaults.js';
export { DOCTOR_ACL_RULES, DOCTOR_SENTINEL_ACL_RULES } from './doctor-acl.js';
export { type Engine, type EngineName, PROVIDERS, type Provider } from './engine.js';
export { DeploymentUnsafeError, DoctorOptionsError, isDeploymentUnsafeError, isDoctorOptionsError } from './errors.js';
export { EXIT, exitCodeFor, type FailOn } from './exit-code.js';
export { type MonitorOptions, runMonitor } from './monitor/run-monitor.js';
export type { MonitorEvent, MonitorNode, MonitorSentinel, MonitorSnapshot } from './monitor/snapshot.js';
export { renderJson, renderPlain, renderTable } from './render-report.js';
export {
  type CheckResult,
  type CheckStatus,
  type DeploymentMode,
  type DoctorReport,
  PROFILES,
  type Profile,
  type ReportNode,
  SCHEMA_VERSION,
  STATUSES,
  type StatusCounts,
} from './report.js';
export { type RunDoctorOptions, runDoctor } from './run-doctor.js';
export type { ResolvedThresholds, Thresholds } from './thresholds.js';
