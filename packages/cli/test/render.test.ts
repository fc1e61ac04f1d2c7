import { describe, expect, it } from 'vitest';
import { renderJson, renderPlain, renderTable } from '../src/render-report.js';
import { palette, wantsColor } from '../src/render-style.js';
import { reportWith, resultWith } from './support/report.js';

const report = reportWith([
  resultWith('pass', 'server.reachable'),
  resultWith('fail', 'memory.eviction-policy'),
  resultWith('skip', 'connections.tcp-keepalive'),
]);

describe('plain output', () => {
  it('prints one line per result with status, id, node, observed, expected and fix', () => {
    const lines = renderPlain(report).trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toBe(
      'FAIL memory.eviction-policy 127.0.0.1:6379 — observed: observed fail — expected: expected — fix: fix for memory.eviction-policy',
    );
    expect(lines[4]).toBe('1 pass, 0 warn, 1 fail, 1 skip, 0 error — exit code 2');
  });

  it('says when the results are partial', () => {
    expect(renderPlain(reportWith([], { complete: false }))).toMatch(/PARTIAL/);
  });
});

describe('table output', () => {
  it('colours statuses on a terminal and lists the fixes below the table', () => {
    const text = renderTable(report, palette(true), 120);
    expect(text).toContain('\x1b[');
    expect(text).toMatch(/What to fix:/);
    expect(text).toContain('fix for memory.eviction-policy');
  });

  it('has no escape codes without colour', () => {
    expect(renderTable(report, palette(false), 120)).not.toContain('\x1b[');
  });

  it('colours a terminal unless NO_COLOR, and anything with FORCE_COLOR', () => {
    expect(wantsColor(true, {}, false)).toBe(true);
    expect(wantsColor(true, { NO_COLOR: '1' }, false)).toBe(false);
    expect(wantsColor(false, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor(true, {}, true)).toBe(false);
  });
});

describe('JSON output', () => {
  it('is the report itself, with schemaVersion', () => {
    const parsed = JSON.parse(renderJson(report)) as Record<string, unknown>;
    expect(parsed.schemaVersion).toBe(1);
    expect(Object.keys(parsed).sort()).toEqual(
      [
        'complete',
        'connected',
        'durationMs',
        'mode',
        'nodes',
        'profile',
        'results',
        'schemaVersion',
        'startedAt',
        'summary',
        'target',
        'tool',
      ].sort(),
    );
  });
});
