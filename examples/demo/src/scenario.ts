// The scenario every process agrees on: how many jobs, which accounts and addresses log in,
// the limits, and the messages a service node sends the orchestrator.
import type { FailoverEvent } from '@coordis/client';

export const SCENARIO = {
  nodes: ['node-1', 'node-2', 'node-3'],
  jobs: 400,
  /** Seconds of traffic; the primary is SIGKILLed `killAtSeconds` in. */
  runSeconds: 14,
  killAtSeconds: 5,
  accounts: Array.from({ length: 12 }, (_, i) => `user${i + 1}@example.org`),
  ips: Array.from({ length: 8 }, (_, i) => `198.51.100.${i + 10}`),
  attacker: '203.0.113.66',
  /** Logins admitted per account and per IP in each window. */
  perAccount: { limit: 4, periodMs: 2_000 },
  perIp: { limit: 12, periodMs: 2_000 },
  /** Failed logins from one IP within findWindowMs that block it for banMs. */
  fail2ban: { maxFailures: 8, findWindowMs: 20_000, banMs: 120_000 },
  bus: 'demo-mail',
} as const;

/** Live counters a node reports several times a second. */
export interface Progress {
  readonly node: string;
  readonly address: string | undefined;
  readonly jobsCommitted: number;
  readonly jobsExecuted: number;
  readonly staleRejected: number;
  readonly loginsAllowed: number;
  readonly loginsLimited: number;
  readonly loginsBlocked: number;
  readonly eventsPublished: number;
  readonly eventsReceived: number;
  /** Writes cut off by the failover whose outcome is unknown (never sent twice). */
  readonly unknownOutcomes: number;
  readonly errors: number;
}

/** What a node hands in when it stops. */
export interface FinalReport extends Progress {
  /** Jobs whose commit this node saw acknowledged. */
  readonly committed: readonly number[];
  /** Event ids this node published and saw acknowledged, in order. */
  readonly published: readonly string[];
  /** Event ids received, per origin node, in order of receipt. */
  readonly received: Readonly<Record<string, readonly string[]>>;
  /** Logins admitted, per limiter key and window: `account|user@x|123` → count. */
  readonly admitted: Readonly<Record<string, number>>;
  readonly failovers: readonly FailoverEvent[];
  /** Errors by message, for the report. */
  readonly errorSamples: readonly string[];
}

export type NodeMessage =
  | { readonly kind: 'progress'; readonly progress: Progress }
  | { readonly kind: 'final'; readonly report: FinalReport };
export type OrchestratorMessage = { readonly kind: 'stop' };
