import { describe, expect, it } from 'vitest';
import { isTestkitError, TOPOLOGY_KINDS, topologyKinds } from '../src/index.js';

describe('topologyKinds', () => {
  it('gives every kind when COORDIS_TOPOLOGIES is unset or empty', () => {
    expect(topologyKinds({})).toEqual(['standalone', 'sentinel', 'cluster']);
    expect(topologyKinds({ COORDIS_TOPOLOGIES: ' ' })).toEqual([...TOPOLOGY_KINDS]);
  });

  it('narrows to the comma list COORDIS_TOPOLOGIES names, in its order', () => {
    expect(topologyKinds({ COORDIS_TOPOLOGIES: 'cluster, standalone' })).toEqual(['cluster', 'standalone']);
  });

  it('refuses a kind it does not know, naming the ones it does', () => {
    let error: unknown;
    try {
      topologyKinds({ COORDIS_TOPOLOGIES: 'standalone,clustr' });
    } catch (e) {
      error = e;
    }
    expect(isTestkitError(error)).toBe(true);
    expect((error as Error).message).toMatch(/"clustr".*standalone, sentinel, cluster/);
  });
});
