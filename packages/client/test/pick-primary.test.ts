import { describe, expect, it } from 'vitest';
import { type PrimaryView, pickPrimary } from '../src/sentinel-watch.js';

const view = (port: number, epoch: number, inFailover = false): PrimaryView => ({
  announced: { host: '10.0.0.1', port },
  address: { host: '10.0.0.1', port },
  epoch,
  inFailover,
});

describe('pickPrimary', () => {
  it('takes the highest config-epoch, so a sentinel with an old view cannot win', () => {
    expect(pickPrimary([view(1, 3), view(2, 4), view(1, 3)]).announced.port).toBe(2);
  });

  it("ignores the failover leader's old address when a settled sentinel names the new one at the same epoch", () => {
    expect(pickPrimary([view(1, 5, true), view(2, 5), view(1, 4)]).announced.port).toBe(2);
  });

  it('falls back to the leader when it is the only one at the top epoch', () => {
    expect(pickPrimary([view(1, 5, true), view(1, 4)]).announced.port).toBe(1);
  });

  it('lets the majority decide between equal answers', () => {
    expect(pickPrimary([view(1, 2), view(2, 2), view(2, 2)]).announced.port).toBe(2);
  });
});
