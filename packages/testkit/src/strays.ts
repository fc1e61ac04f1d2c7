import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The tag every testkit server carries in its process title. */
export function processTag(): string {
  // The run id (set by a test runner's global setup) groups every worker's servers; the
  // owner pid says which process started the server.
  return `coordis-testkit:${process.env.COORDIS_TESTKIT_RUN ?? 'adhoc'}:${process.pid}`;
}

/** A testkit server process found on this machine. */
export interface TestkitProcess {
  readonly pid: number;
  readonly run: string;
  /** The process that started it. */
  readonly owner: number;
  readonly title: string;
}

const TAG = /coordis-testkit:([^:\s]+):(\d+)/;

function titles(): { pid: number; title: string }[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .flatMap((d) => {
        try {
          return [{ pid: Number(d), title: readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() }];
        } catch {
          return [];
        }
      });
  } catch {
    // No /proc (macOS, BSD): ps has the titles Redis sets.
    return execFileSync('ps', ['-axo', 'pid=,command='], { encoding: 'utf8' })
      .split('\n')
      .flatMap((line) => {
        const m = /^\s*(\d+)\s+(.*)$/.exec(line);
        return m ? [{ pid: Number(m[1]), title: m[2] ?? '' }] : [];
      });
  }
}

/** Every running server the testkit started, on this machine; `run` narrows it to one test run. */
export function listTestkitServers(opts: { run?: string | undefined } = {}): TestkitProcess[] {
  return titles().flatMap(({ pid, title }) => {
    const m = TAG.exec(title);
    if (!m || (opts.run !== undefined && m[1] !== opts.run)) return [];
    return [{ pid, run: m[1] as string, owner: Number(m[2]), title }];
  });
}
