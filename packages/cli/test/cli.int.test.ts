import { tmpdir } from 'node:os';
import { allocatePort, type SentinelTopology, type StandaloneTopology, startSentinel, startStandalone } from '@coordis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDeployment } from '../src/assert-deployment.js';
import { CHECK_IDS } from '../src/catalogue.js';
import { main } from '../src/cli.js';
import { STATUSES } from '../src/report.js';
import { runDoctor } from '../src/run-doctor.js';
import { runBin, startBin } from './support/bin.js';
import { APP_RULES, WELL_CONFIGURED } from './support/doctor.js';

const DATA_SECRET = 'Data-S3cret-7f1c';
const SENTINEL_SECRET = 'Sentinel-S3cret-9a2e';
const APP_SECRET = 'App-S3cret-4b8d';
const WRONG_SECRET = 'Wrong-S3cret-0c3f';
const SECRETS = [DATA_SECRET, SENTINEL_SECRET, APP_SECRET, WRONG_SECRET];

// Deployment checks only: the host checks judge this machine, latency is not asserted in tests.
const DEPLOYMENT_ONLY = '--checks=-host,-client-host,-latency';

const started: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

describe('coordis doctor exit codes', () => {
  let good: StandaloneTopology;
  let warnOnly: StandaloneTopology;
  let allkeys: StandaloneTopology;
  let noConfig: StandaloneTopology;

  beforeAll(async () => {
    const app = { password: DATA_SECRET, users: [{ name: 'app', password: APP_SECRET, rules: APP_RULES }], urlUser: 'app' };
    [good, warnOnly, allkeys, noConfig] = await Promise.all([
      startStandalone({ ...app, config: WELL_CONFIGURED }),
      startStandalone({ ...app, config: { ...WELL_CONFIGURED, 'tcp-keepalive': 600 } }),
      startStandalone({ ...app, config: { ...WELL_CONFIGURED, 'maxmemory-policy': 'allkeys-lru' } }),
      startStandalone({ users: [{ name: 'app', password: APP_SECRET, rules: '~* &* +@all -config' }], urlUser: 'app' }),
    ]);
    started.push(good, warnOnly, allkeys, noConfig);
  });

  it('exits 0 when every check passes, run from another directory with nothing but PATH', async () => {
    const run = await runBin(['doctor', good.url, DEPLOYMENT_ONLY], { cwd: tmpdir() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ pass, 0 warn, 0 fail, 0 skip, 0 error — exit code 0/);
  });

  it('exits 1 on a warning, and 0 with --fail-on fail', async () => {
    expect((await runBin(['doctor', warnOnly.url, DEPLOYMENT_ONLY])).code).toBe(1);
    expect((await runBin(['doctor', warnOnly.url, DEPLOYMENT_ONLY, '--fail-on', 'fail'])).code).toBe(0);
  });

  it('exits 2 on a failure, whatever --fail-on says', async () => {
    const run = await runBin(['doctor', allkeys.url, DEPLOYMENT_ONLY, '--fail-on', 'fail']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^FAIL memory\.eviction-policy .* fix: CONFIG SET maxmemory-policy noeviction/m);
  });

  it('exits 3 when nothing answers, or the password is wrong', async () => {
    const port = await allocatePort('127.0.0.1');
    expect((await runBin(['doctor', `redis://127.0.0.1:${port}`])).code).toBe(3);
    expect((await runBin(['doctor', `redis://app:${WRONG_SECRET}@127.0.0.1:${good.node.port}`])).code).toBe(3);
  });

  it('exits 4 on a usage error, before connecting', async () => {
    const run = await runBin(['doctor', good.url, '--profile', 'batch']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('--profile batch is not one of coordination, queue, cache');
  });

  it('counts skips as passes, and as warnings with --strict', async () => {
    const base = ['doctor', noConfig.url, '--checks', 'connections.tcp-keepalive', '--json'];
    const plain = await runBin(base);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).results[0].status).toBe('skip');
    const strict = await runBin([...base, '--strict']);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).results[0].status).toBe('warn');
  });
});

/** Checks the documented `--json` schema (version 1) by hand, field by field. */
function expectReportSchema(json: unknown): void {
  const r = json as Record<string, unknown>;
  expect(r.schemaVersion).toBe(1);
  expect(r.tool).toEqual({ name: '@coordis/cli', version: expect.any(String) });
  expect(typeof r.target).toBe('string');
  expect(['standalone', 'sentinel', 'cluster', 'unknown']).toContain(r.mode);
  expect(['coordination', 'queue', 'cache']).toContain(r.profile);
  expect(new Date(String(r.startedAt)).toISOString()).toBe(r.startedAt);
  expect(typeof r.durationMs).toBe('number');
  expect(typeof r.complete).toBe('boolean');
  expect(typeof r.connected).toBe('boolean');
  for (const n of r.nodes as Record<string, unknown>[]) {
    expect(Object.keys(n).sort()).toEqual(['address', 'kind', 'reachable', 'role']);
    expect(['data', 'sentinel']).toContain(n.kind);
    expect(['primary', 'replica', 'sentinel', 'unknown']).toContain(n.role);
  }
  const results = r.results as Record<string, unknown>[];
  for (const x of results) {
    expect(Object.keys(x).sort()).toEqual(['expected', 'fix', 'id', 'node', 'observed', 'status', 'title']);
    expect(CHECK_IDS).toContain(x.id);
    expect(STATUSES).toContain(x.status);
    for (const k of ['title', 'observed', 'expected', 'fix']) expect(typeof x[k]).toBe('string');
    expect(x.node === null || typeof x.node === 'string').toBe(true);
    if (x.status !== 'pass') expect(String(x.fix).length, String(x.id)).toBeGreaterThan(0);
  }
  const counts = Object.fromEntries(STATUSES.map((s) => [s, results.filter((x) => x.status === s).length]));
  expect(r.summary).toEqual(counts);
}

describe('coordis doctor --json and credentials', () => {
  let t: SentinelTopology;
  let url: string;
  const outputs: string[] = [];

  beforeAll(async () => {
    t = await startSentinel({ password: DATA_SECRET, sentinelPassword: SENTINEL_SECRET });
    started.push(t);
    url = t.url;
    expect(url).toContain(DATA_SECRET);
    expect(url).toContain(SENTINEL_SECRET);
  });

  afterAll(() => {
    // Every output form of every run below, searched for every password.
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const s of SECRETS) expect(all).not.toContain(s);
  });

  it('prints the documented schema with the target redacted', async () => {
    const run = await runBin(['doctor', url, '--json']);
    outputs.push(run.stdout, run.stderr);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expectReportSchema(report);
    expect(report.mode).toBe('sentinel');
    expect(report.target).toMatch(/^redis-sentinel:\/\/:\[redacted\]@127\.0\.0\.1:\d+,.*sentinelPassword=\[redacted\]/);
    expect((report.nodes as unknown[]).length).toBe(6);
  });

  it('prints no credential in plain lines, the terminal table, errors or the monitor', async () => {
    const plain = await runBin(['doctor', url]);
    outputs.push(plain.stdout, plain.stderr);
    expect(plain.stdout).toMatch(/^PASS sentinel\.ckquorum/m);

    let table = '';
    const io = {
      stdout: { write: (s: string) => (table += s), isTTY: true, columns: 150 },
      stderr: { write: (s: string) => (table += s) },
      env: { FORCE_COLOR: '1' },
    };
    await main(['doctor', url], io);
    outputs.push(table);
    expect(table).toContain('\x1b[');

    const wrong = url.replace(DATA_SECRET, WRONG_SECRET);
    for (const args of [
      ['doctor', wrong],
      ['doctor', wrong, '--json'],
      ['doctor', url.replace(SENTINEL_SECRET, WRONG_SECRET)],
      ['doctor', `redis://:${DATA_SECRET}@127.0.0.1:99999`],
      ['monitor', url, '--once', '--json'],
    ]) {
      const run = await runBin(args);
      outputs.push(run.stdout, run.stderr);
    }

    const live = startBin(['monitor', url, '--interval', '200']);
    await new Promise((r) => setTimeout(r, 1_500));
    live.kill('SIGINT');
    await new Promise((r) => live.on('close', r));
    outputs.push(live.output());
    expect(live.output()).toMatch(/sentinels=3\/3/);
  });

  it('keeps credentials out of the report and of the error assertDeployment throws', async () => {
    const report = await runDoctor({ url, latency: { samples: 5, intervalMs: 1 } });
    outputs.push(JSON.stringify(report));
    try {
      assertDeployment(report);
    } catch (e) {
      outputs.push((e as Error).message, JSON.stringify(e));
    }
    // The bare topology has no persistence: the assertion did throw.
    expect(outputs.at(-2)).toMatch(/persistence\.enabled/);
  });
});
