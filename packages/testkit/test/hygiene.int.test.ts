import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/wait.js';

const fixture = fileURLToPath(new URL('./fixtures/hold-topology.mjs', import.meta.url));

interface Owned {
  pids: number[];
  dirs: string[];
  reaper: number;
}

/** Running, or at least not yet a zombie: a killed orphan stays a zombie until init reaps it. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Runs the fixture in its own process and returns what it owns once its servers are up. */
async function holder(how: 'hang' | 'exit' | 'throw') {
  if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) {
    throw new Error('this test runs the built package: run `pnpm build` (turbo runs it before test) first');
  }
  const child = spawn(process.execPath, [fixture, how], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const owned = await new Promise<Owned>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as Owned);
    });
    child.once('exit', (code) => (out.includes('\n') ? undefined : reject(new Error(`holder exited ${code}: ${err}`))));
  });
  return { child, owned };
}

async function expectAllGone(owned: Owned): Promise<void> {
  await waitFor(
    'every server and directory of the dead holder gone',
    async () => {
      const pids = owned.pids.filter(alive);
      const dirs = owned.dirs.filter((d) => existsSync(d));
      if (pids.length || dirs.length || alive(owned.reaper)) return { done: false, observed: `pids ${pids}, dirs ${dirs}` };
      return { done: true, value: undefined };
    },
    { timeoutMs: 10_000 },
  );
}

describe('no server outlives its owner', () => {
  it('when the owner is SIGKILLed (the reaper cleans up)', async () => {
    const { child, owned } = await holder('hang');
    expect(owned.pids.every(alive)).toBe(true);
    expect(owned.dirs.every((d) => existsSync(d))).toBe(true);
    child.kill('SIGKILL');
    await expectAllGone(owned);
  });

  it('when the owner is interrupted with SIGINT', async () => {
    const { child, owned } = await holder('hang');
    child.kill('SIGINT');
    await expectAllGone(owned);
  });

  it('when the owner exits without calling stop()', async () => {
    const { owned } = await holder('exit');
    await expectAllGone(owned);
  });

  it('when the owner crashes with an uncaught exception', async () => {
    const { owned } = await holder('throw');
    await expectAllGone(owned);
  });
});
