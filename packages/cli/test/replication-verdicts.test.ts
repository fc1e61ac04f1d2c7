import { describe, expect, it } from 'vitest';
import { foreignPrimary } from '../src/checks/foreign-primary.js';
import { fullResyncs } from '../src/checks/full-resyncs.js';
import { minReplicas } from '../src/checks/min-replicas.js';
import { replicaLag } from '../src/checks/replica-lag.js';
import { replicaLink } from '../src/checks/replica-link.js';
import { replicaReadOnly } from '../src/checks/replica-read-only.js';
import { judgeBacklog, replicaHardLimit } from '../src/checks/replication-backlog.js';
import { judgeRole } from '../src/checks/replication-role.js';
import { ctxFor, dataNode, judgeContext, sentinel, topology } from './support/facts.js';

const primary = dataNode({
  address: '10.0.0.1:6379',
  info: { role: 'master', connected_slaves: 1, slave0: 'ip=10.0.0.2,port=6379,state=online,offset=100,lag=42' },
});
const replica = dataNode({
  address: '10.0.0.2:6379',
  info: { role: 'slave', master_host: '10.0.0.1', master_port: 6379, master_link_status: 'up', master_last_io_seconds_ago: 0 },
});

describe('replication.role', () => {
  it('fails a URL that lands on a replica, naming its primary', () => {
    const [v] = judgeRole(topology({ dataNodes: [replica, primary], entry: replica.address, primary: primary.address }));
    expect(v?.status).toBe('fail');
    expect(v?.observed).toMatch(/READONLY/);
    expect(v?.fix).toContain('10.0.0.1:6379');
  });

  it('passes a URL on the primary', () => {
    const [v] = judgeRole(topology({ dataNodes: [primary] }));
    expect(v?.status).toBe('pass');
  });

  it('fails when the node Sentinel names answers as a replica', () => {
    const t = topology({ mode: 'sentinel', dataNodes: [replica], primary: replica.address, entry: undefined });
    expect(judgeRole(t)[0]?.status).toBe('fail');
  });
});

describe('replication.lag', () => {
  it("takes the primary's view of the replica's lag", () => {
    const v = replicaLag.judge(replica, judgeContext(topology({ dataNodes: [primary, replica] })));
    expect(v?.status).toBe('warn');
    expect(v?.observed).toMatch(/42 s/);
  });

  it('fails beyond 60 s and passes under 10 s', () => {
    const t = (lag: number) =>
      topology({
        dataNodes: [
          dataNode({
            address: '10.0.0.1:6379',
            info: { role: 'master', slave0: `ip=10.0.0.2,port=6379,state=online,offset=1,lag=${lag}` },
          }),
          replica,
        ],
      });
    expect(replicaLag.judge(replica, judgeContext(t(61)))?.status).toBe('fail');
    expect(replicaLag.judge(replica, judgeContext(t(1)))?.status).toBe('pass');
  });
});

describe('replication.link', () => {
  it('fails a link that is down', () => {
    const down = dataNode({
      info: { role: 'slave', master_host: '10.0.0.1', master_port: 6379, master_link_status: 'down', master_link_down_since_seconds: 30 },
    });
    const v = replicaLink.judge(down, ctxFor(down));
    expect(v?.status).toBe('fail');
    expect(v?.observed).toMatch(/30 s/);
  });
});

describe('replication.full-resyncs', () => {
  it('warns when replicas keep resyncing in full', () => {
    const node = dataNode({ info: { role: 'master', connected_slaves: 1, sync_full: 12 } });
    expect(fullResyncs.judge(node, ctxFor(node))?.status).toBe('warn');
  });
});

describe('replication.min-replicas', () => {
  it('warns min-replicas-to-write 0 on a primary with replicas', () => {
    const node = dataNode({ info: { role: 'master', connected_slaves: 2 }, config: { 'min-replicas-to-write': '0' } });
    expect(minReplicas.judge(node, ctxFor(node))?.status).toBe('warn');
  });

  it('passes from INFO min_slaves_good_slaves when CONFIG is refused', () => {
    const node = dataNode({
      info: { role: 'master', connected_slaves: 2, min_slaves_good_slaves: 2 },
      config: { 'min-replicas-to-write': null },
    });
    expect(minReplicas.judge(node, ctxFor(node))?.status).toBe('pass');
  });
});

describe('replication.backlog', () => {
  it('reads the replica class of client-output-buffer-limit', () => {
    expect(replicaHardLimit('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60')).toBe(268435456);
    expect(replicaHardLimit('normal 0 0 0 replica 64mb 16mb 60 pubsub 32mb 8mb 60')).toBe(64 * 1024 * 1024);
  });

  it('warns a hard limit below the backlog, passes 0 or above', () => {
    expect(judgeBacklog(1024 * 1024, 64 * 1024 * 1024).status).toBe('warn');
    expect(judgeBacklog(0, 64 * 1024 * 1024).status).toBe('pass');
    expect(judgeBacklog(256 * 1024 * 1024, 1024 * 1024).status).toBe('pass');
  });
});

describe('replication.replica-read-only', () => {
  it('fails a writable replica', () => {
    const node = dataNode({ info: { role: 'slave' }, config: { 'replica-read-only': 'no' } });
    expect(replicaReadOnly.judge(node, ctxFor(node))?.status).toBe('fail');
  });
});

describe('replication.foreign-primary', () => {
  it('fails a replica of a host Sentinel does not know (a hijacked node)', () => {
    const hijacked = dataNode({ address: '10.0.0.2:6379', info: { role: 'slave', master_host: '203.0.113.9', master_port: 8886 } });
    const s = sentinel('10.0.0.9:26379', { master: { ip: '10.0.0.1', port: '6379' }, replicas: [{ ip: '10.0.0.2', port: '6379' }] });
    const t = topology({ mode: 'sentinel', dataNodes: [primary, hijacked], sentinels: [s] });
    const v = foreignPrimary.judge(hijacked, judgeContext(t));
    expect(v?.status).toBe('fail');
    expect(v?.fix).toMatch(/10990/);
  });

  it('passes a replica of the known primary', () => {
    const s = sentinel('10.0.0.9:26379', { master: { ip: '10.0.0.1', port: '6379' } });
    const t = topology({ mode: 'sentinel', dataNodes: [primary, replica], sentinels: [s] });
    expect(foreignPrimary.judge(replica, judgeContext(t))?.status).toBe('pass');
  });
});
