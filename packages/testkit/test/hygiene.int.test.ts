import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTAINER_LABELS, connectEngine, labelledContainers, labelledNetworks } from '../src/container-engine.js';
import { resolveDriver } from '../src/driver.js';
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

const holders: ChildProcess[] = [];

/** Runs the fixture in its own process and returns what it owns once its servers are up. */
async function holder(how: 'hang' | 'exit' | 'throw') {
  if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) {
    throw new Error('this test runs the built package: run `pnpm build` (turbo runs it before test) first');
  }
  const child = spawn(process.execPath, [fixture, how], { stdio: ['ignore', 'pipe', 'pipe'] });
  holders.push(child);
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

/** The holder's containers, running or not, and networks, when the run uses the container driver. */
async function containersOf(owner: number): Promise<string[]> {
  if (process.env.COORDIS_TESTKIT_DRIVER !== 'container') return [];
  const engine = await connectEngine();
  const list = await labelledContainers(engine, CONTAINER_LABELS.owner, String(owner));
  const networks = await labelledNetworks(engine, CONTAINER_LABELS.owner, String(owner));
  return [...list.map((c) => `${c.name} (${c.state})`), ...networks.map((n) => `network ${n.name}`)];
}

async function expectAllGone(owned: Owned, owner: number): Promise<void> {
  await waitFor(
    'every server, container and directory of the dead holder gone',
    async () => {
      const pids = owned.pids.filter(alive);
      const dirs = owned.dirs.filter((d) => existsSync(d));
      const containers = await containersOf(owner);
      if (pids.length || dirs.length || containers.length || alive(owned.reaper))
        return { done: false, observed: `pids ${pids}, dirs ${dirs}, containers and networks ${containers}` };
      return { done: true, value: undefined };
    },
    { timeoutMs: 10_000 },
  );
}

describe('no server (nor container) outlives its owner', () => {
  // A failed assertion must not leave a holder hanging with its servers.
  afterEach(() => {
    for (const h of holders.splice(0)) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  });

  it('when the owner is SIGKILLed (the reaper cleans up)', async () => {
    const { child, owned } = await holder('hang');
    expect(owned.pids.every(alive)).toBe(true);
    expect(owned.dirs.every((d) => existsSync(d))).toBe(true);
    // Four containers, and in mapped mode the networks of the two topologies.
    if (process.env.COORDIS_TESTKIT_DRIVER === 'container') {
      expect(await containersOf(child.pid as number)).toHaveLength((await resolveDriver({}).ready()) === 'mapped' ? 6 : 4);
    }
    child.kill('SIGKILL');
    await expectAllGone(owned, child.pid as number);
  });

  it('when the owner is interrupted with SIGINT', async () => {
    const { child, owned } = await holder('hang');
    child.kill('SIGINT');
    await expectAllGone(owned, child.pid as number);
  });

  it('when the owner exits without calling stop()', async () => {
    const { child, owned } = await holder('exit');
    await expectAllGone(owned, child.pid as number);
  });

  it('when the owner crashes with an uncaught exception', async () => {
    const { child, owned } = await holder('throw');
    await expectAllGone(owned, child.pid as number);
  });
});
