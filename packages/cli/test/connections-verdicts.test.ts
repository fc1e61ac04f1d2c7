import { describe, expect, it } from 'vitest';
import { clientTimeout } from '../src/checks/client-timeout.js';
import { judgeClients, maxclients } from '../src/checks/maxclients.js';
import { judgeRejected } from '../src/checks/rejected-connections.js';
import { judgeKeepalive, tcpKeepalive } from '../src/checks/tcp-keepalive.js';
import { ctxFor, dataNode } from './support/facts.js';

describe('connections.tcp-keepalive', () => {
  it('fails 0, passes 1–300, warns above', () => {
    expect(judgeKeepalive(0, 300, 'x').status).toBe('fail');
    expect(judgeKeepalive(1, 300, 'x').status).toBe('pass');
    expect(judgeKeepalive(300, 300, 'x').status).toBe('pass');
    expect(judgeKeepalive(301, 300, 'x').status).toBe('warn');
  });

  it('skips with a fix line when CONFIG is refused', () => {
    const node = dataNode({ config: { 'tcp-keepalive': null } });
    const v = tcpKeepalive.judge(node, ctxFor(node));
    expect(v?.status).toBe('skip');
    expect(v?.observed).toMatch(/NOPERM/);
  });
});

describe('connections.timeout', () => {
  it('passes 0 and long timeouts, warns short ones', () => {
    for (const [value, status] of [
      ['0', 'pass'],
      ['300', 'pass'],
      ['5', 'warn'],
    ] as const) {
      const node = dataNode({ config: { timeout: value } });
      expect(clientTimeout.judge(node, ctxFor(node))?.status).toBe(status);
    }
  });
});

describe('connections.maxclients', () => {
  const t = { warnPct: 80, failPct: 95 };

  it('passes below 80%, warns below 95%, fails above', () => {
    expect(judgeClients(79, 100, t, 'x').status).toBe('pass');
    expect(judgeClients(90, 100, t, 'x').status).toBe('warn');
    expect(judgeClients(96, 100, t, 'x').status).toBe('fail');
  });

  it('reads maxclients from CONFIG when INFO lacks it (Redis < 7)', () => {
    const node = dataNode({ info: { connected_clients: 9 }, config: { maxclients: '10' } });
    expect(maxclients.judge(node, ctxFor(node))?.status).toBe('warn');
  });
});

describe('connections.rejected', () => {
  it('passes none, warns past rejections, fails rejections during the run', () => {
    expect(judgeRejected(0, 0).status).toBe('pass');
    expect(judgeRejected(3, 3).status).toBe('warn');
    expect(judgeRejected(3, 5).status).toBe('fail');
  });
});
