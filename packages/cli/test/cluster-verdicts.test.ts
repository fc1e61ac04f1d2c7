import { describe, expect, it } from 'vitest';
import { judgeClusterReplicas } from '../src/checks/cluster-replicas.js';
import { clusterState } from '../src/checks/cluster-state.js';
import { coveredSlots, parseClusterNodes } from '../src/cluster-nodes.js';
import { ctxFor, dataNode } from './support/facts.js';

const NODES = `07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,host-4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail? - 0 1426238318243 3 connected 10923-16383
6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 slave 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 connected
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460 [5461->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]`;

describe('CLUSTER NODES', () => {
  it('parses addresses, roles, masters, slots and failure flags', () => {
    const nodes = parseClusterNodes(NODES);
    expect(nodes).toHaveLength(5);
    expect(nodes[0]).toMatchObject({ address: '127.0.0.1:30004', role: 'replica', masterId: 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca' });
    expect(nodes[2]?.failing).toBe('pfail');
    expect(nodes[4]?.slots).toEqual([[0, 5460]]);
    expect(coveredSlots(nodes)).toBe(16384);
  });
});

describe('cluster.replicas', () => {
  it('fails the master whose only replica is missing and passes the others', () => {
    const verdicts = judgeClusterReplicas(parseClusterNodes(NODES));
    expect(verdicts.map((v) => [v.node, v.status])).toEqual([
      ['127.0.0.1:30002', 'pass'],
      ['127.0.0.1:30003', 'fail'],
      ['127.0.0.1:30001', 'pass'],
    ]);
  });
});

describe('cluster.state', () => {
  it('fails a node that reports cluster_state:fail', () => {
    const node = dataNode({
      info: { cluster_enabled: 1 },
      clusterInfo: { cluster_state: 'fail', cluster_slots_ok: 10923, cluster_slots_fail: 5461 },
    });
    expect(clusterState.judge(node, ctxFor(node))?.status).toBe('fail');
  });

  it('skips when CLUSTER INFO is refused', () => {
    const node = dataNode({ info: { cluster_enabled: 1 } });
    expect(clusterState.judge(node, ctxFor(node))?.status).toBe('skip');
  });
});
