import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectEngine, engineApi, runContainers, runMarker, runNetworks } from './container-engine.js';
import { listTestkitServers } from './strays.js';

/**
 * A vitest `globalSetup` (also usable from any runner): it tags every server that test
 * workers start with one run id, and at teardown fails the run if any of them is still
 * alive, after giving the per-process reapers a moment to finish. When the container driver
 * ran, it also removes every container and bridge network of the run that is still there
 * (running or not) and fails the run for it. Add it to your vitest config as
 * `globalSetup: ['@coordis/testkit/global-setup']`.
 */
export default function setup(): () => Promise<void> {
  const run = randomBytes(6).toString('hex');
  process.env.COORDIS_TESTKIT_RUN = run;
  return async function teardown(): Promise<void> {
    const strays = [...(await strayServers(run)), ...(await strayContainers(run))];
    if (strays.length > 0) {
      throw new Error(
        `@coordis/testkit: ${strays.length} server(s), container(s) or network(s) outlived the test run and were removed now:\n${strays.join('\n')}`,
      );
    }
  };
}

async function strayServers(run: string): Promise<string[]> {
  let left = listTestkitServers({ run });
  for (let i = 0; i < 30 && left.length > 0; i++) {
    await sleep(100);
    left = listTestkitServers({ run });
  }
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  return left.map((p) => `  pid ${p.pid}: ${p.title}`);
}

async function strayContainers(run: string): Promise<string[]> {
  // Only a run whose workers started a container left the marker: a process-driver run never
  // talks to an engine.
  const marker = runMarker(run);
  if (!existsSync(marker)) return [];
  rmSync(marker, { force: true });
  const engine = await connectEngine();
  let left = await runContainers(engine, run);
  // Reapers of workers that just exited may still be removing theirs.
  for (let i = 0; i < 30 && left.length > 0; i++) {
    await sleep(100);
    left = await runContainers(engine, run);
  }
  for (const c of left) await engine.client.container.getById(c.id).remove({ force: true, v: true });
  // Networks after containers: the engine refuses to remove one that a container is on.
  const networks = await runNetworks(engine, run);
  for (const n of networks) await engineApi(engine).getNetwork(n.id).remove();
  return [
    ...left.map((c) => `  container ${c.id.slice(0, 12)} (${c.name}, ${c.state})`),
    ...networks.map((n) => `  network ${n.id.slice(0, 12)} (${n.name})`),
  ];
}
