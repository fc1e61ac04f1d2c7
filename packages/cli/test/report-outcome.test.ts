import { describe, expect, it } from 'vitest';
import { assertDeployment } from '../src/assert-deployment.js';
import { DeploymentUnsafeError, isDeploymentUnsafeError } from '../src/errors.js';
import { EXIT, exitCodeFor } from '../src/exit-code.js';
import { reportWith, resultWith } from './support/report.js';

describe('exit codes', () => {
  it('is 0 when every result passes or skips', () => {
    expect(exitCodeFor(reportWith([resultWith('pass'), resultWith('skip')]))).toBe(EXIT.ok);
  });

  it('is 1 on any warning, and on an error (a check that could not finish)', () => {
    expect(exitCodeFor(reportWith([resultWith('pass'), resultWith('warn')]))).toBe(1);
    expect(exitCodeFor(reportWith([resultWith('error')]))).toBe(1);
  });

  it('is 2 on any failure, whatever else', () => {
    expect(exitCodeFor(reportWith([resultWith('warn'), resultWith('fail')]))).toBe(2);
  });

  it('is 3 when the deployment could not be reached', () => {
    expect(exitCodeFor(reportWith([resultWith('fail', 'server.reachable')], { connected: false }))).toBe(3);
  });

  it('lets warnings through with failOn fail', () => {
    expect(exitCodeFor(reportWith([resultWith('warn')]), 'fail')).toBe(0);
    expect(exitCodeFor(reportWith([resultWith('fail')]), 'fail')).toBe(2);
  });
});

describe('assertDeployment', () => {
  it('throws a typed error listing every failure with its fix', () => {
    const report = reportWith([
      resultWith('fail', 'memory.eviction-policy'),
      resultWith('fail', 'persistence.enabled'),
      resultWith('warn', 'memory.usage'),
    ]);
    let caught: unknown;
    try {
      assertDeployment(report);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DeploymentUnsafeError);
    expect(isDeploymentUnsafeError(caught)).toBe(true);
    const err = caught as DeploymentUnsafeError;
    expect(err.code).toBe('COORDIS_DEPLOYMENT_UNSAFE');
    expect(err.results.map((r) => r.id)).toEqual(['memory.eviction-policy', 'persistence.enabled']);
    expect(err.message).toContain('Fix: fix for memory.eviction-policy');
    expect(err.message).toContain('Fix: fix for persistence.enabled');
  });

  it('does not throw on warnings by default, but does with failOn warn', () => {
    const report = reportWith([resultWith('warn')]);
    expect(() => assertDeployment(report)).not.toThrow();
    expect(() => assertDeployment(report, { failOn: 'warn' })).toThrow(DeploymentUnsafeError);
  });

  it('throws on skips only when strict', () => {
    const report = reportWith([resultWith('skip')]);
    expect(() => assertDeployment(report)).not.toThrow();
    expect(() => assertDeployment(report, { strict: true })).toThrow(/SKIP/);
  });
});
