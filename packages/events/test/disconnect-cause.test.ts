import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/bus-options.js';
import { classifyDisconnect, parseServerSnapshot } from '../src/disconnect-cause.js';
import { EventBusConfigError } from '../src/errors.js';

const snap = (runId: string, evicted = 0, obl?: number) => ({ runId, evictedClients: evicted, outputBufferDisconnections: obl });

describe('parseServerSnapshot', () => {
  it('reads run_id and the disconnect counters from INFO, missing ones left undefined', () => {
    const info = '# Server\r\nrun_id:abc123\r\n# Stats\r\nevicted_clients:2\r\n';
    expect(parseServerSnapshot(info)).toEqual({ runId: 'abc123', evictedClients: 2, outputBufferDisconnections: undefined });
    expect(parseServerSnapshot('client_output_buffer_limit_disconnections:7\n').outputBufferDisconnections).toBe(7);
  });
});

describe('classifyDisconnect', () => {
  it('names another server when the run id changed', () => {
    expect(classifyDisconnect(snap('a'), snap('b'), 0, 250)).toMatchObject({ cause: 'server-changed', inferred: false });
  });

  it("takes Redis's own output-buffer counter over any inference", () => {
    expect(classifyDisconnect(snap('a', 0, 3), snap('a', 0, 4), 0, 250)).toMatchObject({ cause: 'output-buffer-limit', inferred: false });
  });

  it('names client eviction when evicted_clients rose', () => {
    expect(classifyDisconnect(snap('a', 1), snap('a', 2), 0, 250)).toMatchObject({ cause: 'client-eviction', inferred: false });
  });

  it('infers the output-buffer limit from a stall of this process just before the close', () => {
    const v = classifyDisconnect(snap('a'), snap('a'), 1200, 250);
    expect(v).toMatchObject({ cause: 'output-buffer-limit', inferred: true });
    expect(v.reason).toMatch(/1200 ms/);
  });

  it('says only that the connection was lost when nothing explains it', () => {
    expect(classifyDisconnect(snap('a'), snap('a'), 10, 250)).toMatchObject({ cause: 'connection-lost', inferred: false });
    expect(classifyDisconnect(undefined, undefined, 0, 250)).toMatchObject({ cause: 'connection-lost' });
  });
});

describe('resolveOptions', () => {
  const base = { client: {} as never, nodeId: 'n', namespace: 'x', events: {} };

  it('applies every default once', () => {
    const r = resolveOptions(base);
    expect(r).toMatchObject({ mode: 'transient', dedupeWindow: 10_000, heartbeatMs: 1000, statsIntervalMs: 10_000 });
    expect(r.durable).toMatchObject({ readCount: 500, blockMs: 1000, readTimeoutMs: 1000, startFrom: 'latest', maxAgeMs: 86_400_000 });
  });

  it('refuses values that cannot work, naming the option', () => {
    expect(() => resolveOptions({ ...base, durable: { readCount: 0 } })).toThrow(EventBusConfigError);
    expect(() => resolveOptions({ ...base, heartbeatMs: 1.5 })).toThrow(/heartbeatMs/);
    expect(() => resolveOptions({ ...base, overflow: 'block' as never })).toThrow(/overflow/);
  });
});
