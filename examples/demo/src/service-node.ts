// One node of the mail service, in its own process: it runs jobs under locks with fencing
// tokens, rate-limits logins per account and per IP with fail2ban for brute force, and tells
// the other nodes when a mailbox changed over a durable event bus. It reports to the
// orchestrator over IPC until told to stop, then hands in what it saw.
import { connect, type FailoverEvent, isCoordisError, isUnknownOutcomeError, LuaScript, readLua } from '@coordis/client';
import { createEventBus, guard } from '@coordis/events';
import { createLocks } from '@coordis/lock';
import { createRateLimits } from '@coordis/ratelimit';
import { demoKeys } from './demo-keys.js';
import { type FinalReport, type NodeMessage, type OrchestratorMessage, type Progress, SCENARIO } from './scenario.js';

const [url, nodeId] = process.argv.slice(2) as [string, string];
const send = (m: NodeMessage) => process.send?.(m);

// Every write is confirmed by a replica before it counts: a failover loses no acknowledged work.
const client = await connect(url, { durable: { replicas: 1, timeoutMs: 1500 }, offlineQueueTimeoutMs: 20_000 });
const keys = demoKeys();
const locks = createLocks(client, { keyspace: keys.keyspace, ttlMs: 4000 });
const limits = createRateLimits(client, { keyspace: keys.keyspace, onUnavailable: 'closed', deadlineMs: 3000 });
const perAccount = limits.fixedWindow({ name: 'login-account', ...SCENARIO.perAccount });
const perIp = limits.fixedWindow({ name: 'login-ip', ...SCENARIO.perIp });
const bruteForce = limits.fail2ban({ name: 'login', ...SCENARIO.fail2ban, onUnavailable: 'closed' });

interface MailboxChanged {
  account: string;
  mailbox: string;
  seq: number;
}
const isMailboxChanged = (v: unknown): v is MailboxChanged =>
  typeof v === 'object' && v !== null && typeof (v as MailboxChanged).account === 'string' && typeof (v as MailboxChanged).seq === 'number';
const bus = createEventBus({
  client,
  nodeId,
  namespace: SCENARIO.bus,
  keyspace: keys.keyspace,
  mode: 'durable',
  events: { 'mailbox.changed': guard('MailboxChanged', isMailboxChanged) },
  durable: { startFrom: 'earliest', publishReplicas: 1, publishReplicasTimeoutMs: 1500 },
});

const claimJob = new LuaScript('demo_claim_job', readLua(import.meta.url, 'claim-job'), ['fences', 'done'], ['job', 'token']);
const commitJob = new LuaScript(
  'demo_commit_job',
  readLua(import.meta.url, 'commit-job'),
  ['fences', 'done', 'open', 'runs'],
  ['job', 'token', 'node'],
);

const counts = {
  jobsCommitted: 0,
  jobsExecuted: 0,
  staleRejected: 0,
  loginsAllowed: 0,
  loginsLimited: 0,
  loginsBlocked: 0,
  eventsPublished: 0,
  eventsReceived: 0,
  unknownOutcomes: 0,
  errors: 0,
};
const committed: number[] = [];
const published: string[] = [];
const received: Record<string, string[]> = {};
const admitted: Record<string, number> = {};
const failovers: FailoverEvent[] = [];
const errorSamples = new Set<string>();
let stopping = false;

function error(e: unknown): void {
  // A write cut off by the failover: its outcome is unknown and it was not sent twice. The
  // work it belonged to is picked up again (jobs) or simply happens later (logins, events).
  if (isUnknownOutcomeError(e)) {
    counts.unknownOutcomes++;
    return;
  }
  counts.errors++;
  const text = isCoordisError(e) ? e.code : (e as Error).message;
  if (errorSamples.size < 20) errorSamples.add(text.slice(0, 160));
}

client.events.on('failover', (e) => failovers.push(e));
bus.on('mailbox.changed', (e) => {
  counts.eventsReceived++;
  const list = received[e.origin] ?? [];
  list.push(e.id);
  received[e.origin] = list;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs jobs: claims one under its lock, works, commits it fenced; retries an unknown commit. */
async function jobs(): Promise<void> {
  while (!stopping) {
    try {
      const id = await client.srandmember(keys.open);
      if (id === null) return;
      const lease = await locks.lock(`job-${id}`).tryAcquire();
      if (!lease) continue;
      try {
        const claim = Number(await claimJob.run(client, { fences: keys.fences, done: keys.done }, { job: id, token: lease.token }));
        if (claim === 0) counts.staleRejected++;
        if (claim !== 1) continue;
        counts.jobsExecuted++;
        await sleep(50 + Math.random() * 50); // the work
        for (let attempt = 0; ; attempt++) {
          try {
            const r = Number(
              await commitJob.run(
                client,
                { fences: keys.fences, done: keys.done, open: keys.open, runs: keys.runs },
                { job: id, token: lease.token, node: nodeId },
              ),
            );
            if (r === 1 || r === 2) {
              counts.jobsCommitted++;
              committed.push(Number(id));
            } else {
              counts.staleRejected++;
            }
            break;
          } catch (e) {
            // A commit cut off by the failover: its outcome is unknown, and sending it again is
            // safe because the script recognises a commit it already applied.
            if (attempt > 20 || !isCoordisError(e)) throw e;
            await sleep(100);
          }
        }
      } finally {
        await lease.release().catch(() => {});
      }
    } catch (e) {
      error(e);
      await sleep(50);
    }
  }
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

/** Logins: most are honest; one address tries passwords until fail2ban blocks it. */
async function logins(): Promise<void> {
  while (!stopping) {
    try {
      const attacker = Math.random() < 0.3;
      const ip = attacker ? SCENARIO.attacker : pick(SCENARIO.ips);
      const account = pick(SCENARIO.accounts);
      if (attacker && (await bruteForce.check(ip)).blocked) {
        counts.loginsBlocked++;
      } else {
        const verdict = await limits.checkAll([perIp.request(ip), perAccount.request(account)]);
        if (verdict.allowed) {
          counts.loginsAllowed++;
          const [ipResult, accountResult] = verdict.results;
          const window = (periodMs: number, atMs: number | undefined) => Math.floor((atMs ?? 0) / periodMs);
          const a = `account|${account}|${window(SCENARIO.perAccount.periodMs, accountResult?.atMs)}`;
          const i = `ip|${ip}|${window(SCENARIO.perIp.periodMs, ipResult?.atMs)}`;
          admitted[a] = (admitted[a] ?? 0) + 1;
          admitted[i] = (admitted[i] ?? 0) + 1;
          if (attacker) await bruteForce.fail(ip);
        } else {
          counts.loginsLimited++;
        }
      }
    } catch (e) {
      error(e);
    }
    await sleep(15 + Math.random() * 15);
  }
}

/** Mailbox changes, told to the other nodes. */
async function mailboxes(): Promise<void> {
  for (let seq = 0; !stopping; seq++) {
    try {
      const e = await bus.publish('mailbox.changed', { account: pick(SCENARIO.accounts), mailbox: 'INBOX', seq });
      published.push(e.id);
      counts.eventsPublished++;
    } catch (e) {
      error(e);
    }
    await sleep(60 + Math.random() * 40);
  }
}

function progress(): Progress {
  return { node: nodeId, address: client.address, ...counts };
}

await bus.start();
const ticker = setInterval(() => send({ kind: 'progress', progress: progress() }), 200);
const work = Promise.all([jobs(), jobs(), logins(), mailboxes()]);
process.on('message', async (m: OrchestratorMessage) => {
  if (m.kind !== 'stop' || stopping) return;
  stopping = true;
  await work;
  // Give the last published events time to reach this node before the final count.
  await sleep(1500);
  clearInterval(ticker);
  await bus.close();
  locks.close();
  const report: FinalReport = { ...progress(), committed, published, received, admitted, failovers, errorSamples: [...errorSamples] };
  send({ kind: 'final', report });
  await client.quit();
  process.disconnect();
});
