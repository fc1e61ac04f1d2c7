import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const running = new Set<ChildProcess>();

/** Kills every fixture process still running (afterAll). */
export function killFixtures(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * Runs a TypeScript fixture in its own Node process (`node --import tsx`) and resolves with
 * the JSON lines it printed; rejects when it exits with an error or outlives `timeoutMs`.
 */
export function runFixture(name: string, args: unknown, timeoutMs: number): Promise<unknown[]> {
  const file = fileURLToPath(new URL(`../fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture ${name} still running after ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      running.delete(child);
      if (code !== 0) reject(new Error(`fixture ${name} exited with ${code}: ${err}`));
      else
        resolve(
          out
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as unknown),
        );
    });
  });
}
