import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A fixture process (`test/fixtures/<name>.ts` run through tsx), killed by `kill()` or at exit. */
export interface Fixture {
  readonly child: ChildProcess;
  /** Resolves with the next line the fixture prints on stdout. */
  line(timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal) once the process is gone. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function spawnFixture(name: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Fixture {
  const file = fileURLToPath(new URL(`../fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  live.add(child);
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ?? code ?? 0);
    }),
  );
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  return {
    child,
    exited,
    line(timeoutMs = 20_000) {
      const ready = lines.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fixture ${name} printed nothing in ${timeoutMs} ms`)), timeoutMs);
        waiters.push((line) => {
          clearTimeout(timer);
          resolve(line);
        });
        exited.then((how) => reject(new Error(`fixture ${name} exited (${how}) before printing a line`)));
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
