import { codecs, createKeyspace } from '@coordis/keyspace';

/** The demo's own keys, from a keyspace like any application's: no hand-built key strings. */
export function demoKeys() {
  const ks = createKeyspace({ app: 'demo' });
  const one = (name: string, prefix: number, description: string) =>
    ks.define({ name, prefix, segments: [], value: codecs.bytes, description }).key({});
  return {
    keyspace: ks,
    open: one('JOBS_OPEN', 100, 'set of job ids still to run'),
    done: one('JOBS_DONE', 101, 'set of committed job ids'),
    fences: one('JOB_FENCES', 102, 'hash: job id -> highest fencing token that claimed it'),
    runs: one('JOB_RUNS', 103, 'list of committed runs, job:node:token'),
  };
}
