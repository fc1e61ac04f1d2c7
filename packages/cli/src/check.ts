import type { NatMap } from '@coordis/client';
import type { Cluster, Redis } from 'ioredis';
import { type ConfigParam, configAnswer } from './config-facts.js';
import type { ConnectionPool } from './connection-pool.js';
import type { DoctorTarget } from './doctor-target.js';
import { configRefusedFix, detectEngine, type Engine, type Provider } from './engine.js';
import type { CheckStatus, Profile } from './report.js';
import type { ResolvedThresholds } from './thresholds.js';
import type { DataNodeFacts, Topology } from './topology.js';

/** What a check concluded about one node or the deployment; the runner adds id, title and node. */
export interface Verdict {
  readonly status: CheckStatus;
  readonly observed: string;
  readonly expected: string;
  readonly fix: string;
  /** The node a deployment check's verdict is about; node checks get theirs from the runner. */
  readonly node?: string | null;
}

/** Everything a check may judge by, without talking to a node: pure, so unit tests feed it fixtures. */
export interface JudgeContext {
  readonly topology: Topology;
  readonly profile: Profile;
  readonly thresholds: ResolvedThresholds;
  /** The provider given by the caller, overriding detection. */
  readonly provider: Provider | undefined;
}

/** What a check that talks to nodes (or reads this host) gets besides the judge context. */
export interface LiveContext extends JudgeContext {
  readonly target: DoctorTarget;
  /** The open connection of a node discovery reached. */
  readonly connection: (kind: 'data' | 'sentinel', address: string) => Redis | undefined;
  readonly pool: ConnectionPool;
  /** Address rewrites for announced addresses (the `natMap` the service gives `connect()`). */
  readonly natMap: NatMap | undefined;
  /** The client given to `runDoctor({ client })`, if any. */
  readonly client: Redis | Cluster | undefined;
  /** Host checks are on: the target is loopback, or `--host-checks` was given. */
  readonly hostChecks: boolean;
  readonly latency: { readonly samples: number; readonly intervalMs: number };
  /** Aborted when the check's time is up; long loops stop on it. */
  readonly signal: AbortSignal;
}

/** The catalogue entry of a check: what the README table shows. */
export interface CheckDoc {
  /** What it checks and where the figure comes from. */
  readonly checks: string;
  /** The pass / warn / fail rule. */
  readonly verdicts: string;
  /** The fix line, in general form. */
  readonly fix: string;
  /** The issue or document it answers (`bullmq#1046`, `redis/redis#10990`). */
  readonly answers?: string;
}

/** A check judged on every data node that answered, from its INFO and CONFIG. */
export interface NodeCheck {
  readonly kind: 'node';
  readonly id: string;
  readonly title: string;
  readonly doc: CheckDoc;
  /** undefined: not applicable to this node (a replica check on a primary). */
  readonly judge: (node: DataNodeFacts, ctx: JudgeContext) => Verdict | undefined;
}

/** A check of the whole deployment, which may talk to nodes; one verdict per node it concerns. */
export interface DeploymentCheck {
  readonly kind: 'deployment';
  readonly id: string;
  readonly title: string;
  readonly doc: CheckDoc;
  readonly run: (ctx: LiveContext) => Promise<readonly Verdict[]> | readonly Verdict[];
}

/** Any check of the catalogue. */
export type Check = NodeCheck | DeploymentCheck;

/** A passing verdict. */
export function pass(observed: string, expected: string): Verdict {
  return { status: 'pass', observed, expected, fix: '' };
}

/** A verdict with a status other than pass. */
export function verdict(status: Exclude<CheckStatus, 'pass'>, observed: string, expected: string, fix: string): Verdict {
  return { status, observed, expected, fix };
}

/** The host a node is reached at (or its socket path). */
export function nodeHost(node: { readonly target: DataNodeFacts['target'] }): string {
  return 'path' in node.target ? node.target.path : node.target.host;
}

/** The engine of a node, with the caller's provider override. */
export function nodeEngine(node: DataNodeFacts, ctx: JudgeContext): Engine {
  return detectEngine(node.info, nodeHost(node), ctx.provider);
}

/** The verdict when INFO was refused on a node. */
export function infoRefused(node: DataNodeFacts, expected: string): Verdict {
  return verdict('skip', `INFO refused (${node.infoError ?? 'no answer'})`, expected, 'let the doctor run INFO: ACL SETUSER <user> +info');
}

/** The verdict when a CONFIG parameter could not be read: skip, with the provider's way to check it. */
export function configRefused(node: DataNodeFacts, ctx: JudgeContext, param: ConfigParam, expected: string): Verdict {
  const a = configAnswer(node.config, param);
  const why = a.state === 'denied' ? a.reason : `${param} is not a parameter of this server`;
  return verdict('skip', `CONFIG GET ${param} refused (${why})`, expected, configRefusedFix(nodeEngine(node, ctx).provider, param));
}

/** Bytes as `10.0 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Milliseconds as `0.12 ms` or `1.5 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

/** True for a primary (INFO role master). */
export function isPrimary(node: DataNodeFacts): boolean {
  return node.info.role === 'master';
}

/** True for a replica (INFO role slave). */
export function isReplica(node: DataNodeFacts): boolean {
  return node.info.role === 'slave';
}
