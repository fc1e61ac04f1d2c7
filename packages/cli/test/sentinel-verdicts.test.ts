import { describe, expect, it } from 'vitest';
import { judgeFailoverBudget } from '../src/checks/failover-budget.js';
import { judgePromotable } from '../src/checks/promotable-replica.js';
import { judgeAgreement } from '../src/checks/sentinel-agreement.js';
import { judgeSentinelCount, sentinelCount } from '../src/checks/sentinel-count.js';
import { electPrimary } from '../src/discover.js';
import { sentinel, topology } from './support/facts.js';

const master = (ip: string, port: string, epoch: string) => ({
  ip,
  port,
  'config-epoch': epoch,
  flags: 'master',
  'num-other-sentinels': '2',
  quorum: '2',
});
const budget = { lockTtlMs: 30_000, electionMs: 2_000 };

describe('sentinel.count', () => {
  it('fails fewer than 3, warns an even count, passes 3 and 5', () => {
    expect(judgeSentinelCount(2).status).toBe('fail');
    expect(judgeSentinelCount(4).status).toBe('warn');
    expect(judgeSentinelCount(3).status).toBe('pass');
    expect(judgeSentinelCount(5).status).toBe('pass');
  });

  it('counts the sentinels the others know of, also the ones not listed in the URL', () => {
    const t = topology({ mode: 'sentinel', sentinels: [sentinel('10.0.0.1:26379', { master: master('10.0.0.5', '6379', '1') })] });
    expect(sentinelCount(t).known).toBe(3);
  });
});

describe('sentinel.agreement', () => {
  it('passes when every sentinel names one primary at one epoch', () => {
    const s = ['a:1', 'b:1', 'c:1'].map((a) => sentinel(a, { master: master('10.0.0.5', '6379', '3') }));
    expect(judgeAgreement(s, 'mail').status).toBe('pass');
  });

  it('fails when one sentinel names another primary, listing each view', () => {
    const s = [
      sentinel('a:1', { master: master('10.0.0.5', '6379', '3') }),
      sentinel('b:1', { master: master('10.0.0.5', '6379', '3') }),
      sentinel('c:1', { master: master('10.0.0.6', '6379', '2') }),
    ];
    const v = judgeAgreement(s, 'mail');
    expect(v.status).toBe('fail');
    expect(v.observed).toContain('c:1 → 10.0.0.6:6379 @2');
    expect(v.fix).toContain('SENTINEL RESET mail');
  });

  it('fails when a sentinel does not monitor the name', () => {
    const s = [
      sentinel('a:1', { master: master('10.0.0.5', '6379', '3') }),
      sentinel('b:1', { masterError: 'ERR No such master with that name' }),
    ];
    expect(judgeAgreement(s, 'mail').status).toBe('fail');
  });
});

describe('electPrimary', () => {
  it('prefers the highest config-epoch, then the majority', () => {
    const views = [
      { master: master('10.0.0.5', '6379', '3') },
      { master: master('10.0.0.6', '6379', '4') },
      { master: master('10.0.0.5', '6379', '3') },
    ].map((v) => sentinel('x:1', v).view);
    expect(electPrimary(views)).toEqual({ host: '10.0.0.6', port: 6379 });
  });
});

describe('sentinel.promotable-replica', () => {
  const ok = { ip: '10.0.0.7', port: '6379', flags: 'slave', 'master-link-status': 'ok', 'slave-priority': '100' };

  it('fails with no replica', () => {
    expect(judgePromotable(sentinel('a:1', { replicas: [] }).view, 'mail').status).toBe('fail');
  });

  it('fails when every replica is down, unlinked or has priority 0', () => {
    const replicas = [
      { ...ok, flags: 'slave,s_down,disconnected' },
      { ...ok, ip: '10.0.0.8', 'master-link-status': 'err' },
      { ...ok, ip: '10.0.0.9', 'slave-priority': '0' },
    ];
    const v = judgePromotable(sentinel('a:1', { replicas }).view, 'mail');
    expect(v.status).toBe('fail');
    expect(v.observed).toMatch(/priority 0/);
  });

  it('passes with one good replica', () => {
    expect(judgePromotable(sentinel('a:1', { replicas: [ok] }).view, 'mail').status).toBe('pass');
  });
});

describe('sentinel.failover-budget', () => {
  it("fails Sentinel's default 30 s down-after against a 30 s lease", () => {
    expect(judgeFailoverBudget(30_000, 'coordination', budget, 'mail').status).toBe('fail');
  });

  it('warns when holders cannot renew in time but the lease still outlives the failover', () => {
    expect(judgeFailoverBudget(20_000, 'coordination', budget, 'mail').status).toBe('warn');
  });

  it('passes a 5 s down-after', () => {
    expect(judgeFailoverBudget(5_000, 'coordination', budget, 'mail').status).toBe('pass');
  });

  it('suggests a down-after that fits the lease', () => {
    const fix = judgeFailoverBudget(30_000, 'coordination', budget, 'mail').fix;
    const suggested = Number(/down-after-milliseconds (\d+)/.exec(fix)?.[1]);
    expect(judgeFailoverBudget(suggested, 'coordination', budget, 'mail').status).toBe('pass');
  });
});
