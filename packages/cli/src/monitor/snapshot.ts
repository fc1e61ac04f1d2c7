import type { CheckStatus, DeploymentMode } from '../report.js';

/** One data node on the monitor's screen. */
export interface MonitorNode {
  readonly address: string;
  readonly role: 'primary' | 'replica' | 'unknown';
  readonly up: boolean;
  readonly error?: string;
  readonly memory?: {
    readonly usedBytes: number;
    readonly maxBytes: number;
    readonly policy: string;
    readonly fragmentation: number | undefined;
    readonly verdict: CheckStatus;
  };
  readonly clients?: {
    readonly connected: number;
    readonly max: number | undefined;
    readonly blocked: number;
    readonly rejectedDelta: number;
    readonly verdict: CheckStatus;
  };
  /** From deltas of `total_commands_processed` between refreshes; INFO's instantaneous figure on the first. */
  readonly opsPerSec?: number;
  /** keyspace hits / (hits + misses) over the last refresh; null when there were no lookups. */
  readonly hitRatio?: number | null;
  readonly evictedDelta?: number;
  readonly lastSave?: { readonly ageS: number | undefined; readonly status: string; readonly verdict: CheckStatus };
  readonly aof?: { readonly enabled: boolean; readonly rewriteStatus: string; readonly rewriting: boolean };
  readonly replication?: {
    readonly primary: string;
    readonly link: string;
    readonly lagS: number | undefined;
    readonly verdict: CheckStatus;
  };
  readonly replicas?: number;
  readonly cluster?: { readonly state: string; readonly verdict: CheckStatus };
}

/** One sentinel on the monitor's screen. */
export interface MonitorSentinel {
  readonly address: string;
  readonly up: boolean;
  readonly error?: string;
  readonly quorum?: { readonly ok: boolean; readonly text: string };
  /** `config-epoch` of the master: it grows by one with each failover. */
  readonly epoch?: number;
  readonly primary?: string;
  readonly flags?: string;
  readonly tilt?: boolean;
}

/** A Sentinel event, merged when several sentinels publish the same one. */
export interface MonitorEvent {
  readonly at: string;
  readonly channel: string;
  readonly message: string;
  readonly sentinels: readonly string[];
}

/** What `coordis monitor --once --json` prints, and what each refresh draws. */
export interface MonitorSnapshot {
  readonly schemaVersion: 1;
  readonly at: string;
  readonly target: string;
  readonly mode: DeploymentMode;
  readonly masterName?: string;
  readonly primary?: string;
  readonly nodes: readonly MonitorNode[];
  readonly sentinels: readonly MonitorSentinel[];
  readonly cluster?: { readonly state: string; readonly slotsOk: number | undefined; readonly slotsAssigned: number | undefined };
  readonly latency?: {
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly samples: number;
    readonly verdict: CheckStatus;
    readonly history: readonly number[];
  };
  readonly events: readonly MonitorEvent[];
}
