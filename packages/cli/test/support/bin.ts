import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built command line, as `npm install` links it: tests run the real artifact (turbo builds before test). */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** Fails with a clear message when the package was not built. */
export function requireBin(): string {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm build\` in packages/cli before the tests.`);
  return BIN;
}

/** What a finished run of the command printed and returned. */
export interface BinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `coordis …` to the end (killed after `timeoutMs`). */
export function runBin(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [requireBin(), ...args], {
      env: opts.env ?? { PATH: process.env.PATH ?? '' },
      cwd: opts.cwd ?? process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `coordis …` and leaves it running; the caller ends it. */
export function startBin(args: readonly string[]): ChildProcess & { output(): string } {
  const child = spawn(process.execPath, [requireBin(), ...args], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

/** Polls until `probe` holds, or fails after `timeoutMs` with what was last seen. */
export async function eventually(
  what: string,
  probe: () => boolean | Promise<boolean>,
  last: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last seen:\n${last()}`);
}
