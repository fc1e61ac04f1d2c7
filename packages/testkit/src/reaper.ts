import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { EngineEndpoint } from './container-engine.js';

// What this process owns right now. The same list lives in the reaper process, which acts
// on it when this process dies without running its exit handlers (SIGKILL, a crash).
const ownedPids = new Set<number>();
const ownedDirs = new Set<string>();
let reaper: ChildProcess | undefined;
let exitHookInstalled = false;

function send(line: string): void {
  reaper ??= startReaper();
  reaper.stdin?.write(`${line}\n`);
}

function startReaper(): ChildProcess {
  // runtime/ sits beside src/ and dist/, so the same relative path works from both.
  const script = fileURLToPath(new URL('../runtime/reaper.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'ignore', 'inherit'], detached: true });
  // The reaper must never keep this process alive, and a dead reaper must not crash it.
  child.unref();
  child.stdin?.on('error', () => {});
  if (child.stdin instanceof Socket) child.stdin.unref();
  return child;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' runs on a normal exit and on process.exit(); only synchronous work is possible.
  process.on('exit', () => {
    for (const pid of ownedPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** Registers a server process so it dies with this process, however this process ends. */
export function ownPid(pid: number): void {
  installExitHook();
  ownedPids.add(pid);
  send(`pid ${pid}`);
}

export function disownPid(pid: number): void {
  ownedPids.delete(pid);
  send(`unpid ${pid}`);
}

/** Registers a temporary directory so it is removed with this process, however it ends. */
export function ownDir(dir: string): void {
  installExitHook();
  ownedDirs.add(dir);
  send(`dir ${dir}`);
}

export function disownDir(dir: string): void {
  ownedDirs.delete(dir);
  send(`undir ${dir}`);
}

let engineLine: string | undefined;

/** Tells the reaper which engine to reach; false when it cannot reach it. */
function announceEngine(endpoint: EngineEndpoint | undefined): boolean {
  if (!endpoint) return false;
  const line = `engine ${JSON.stringify(endpoint)}`;
  if (line !== engineLine) {
    engineLine = line;
    send(line);
  }
  return true;
}

/**
 * Registers a container so the reaper removes it when this process ends without removing it
 * itself. Normal exits go through the reaper too: removing a container takes an API call,
 * which an 'exit' hook cannot wait for. Without an endpoint the reaper cannot reach the engine,
 * and only Ryuk and the run's global teardown remain to remove it.
 */
export function ownContainer(id: string, endpoint: EngineEndpoint | undefined): void {
  if (announceEngine(endpoint)) send(`ctr ${id}`);
}

export function disownContainer(id: string): void {
  if (engineLine) send(`unctr ${id}`);
}

/** Registers a topology's bridge network; the reaper removes it after the containers on it. */
export function ownNetwork(id: string, endpoint: EngineEndpoint | undefined): void {
  if (announceEngine(endpoint)) send(`net ${id}`);
}

export function disownNetwork(id: string): void {
  if (engineLine) send(`unnet ${id}`);
}

/** The pid of this process's reaper, for tests that prove it works. */
export function reaperPid(): number | undefined {
  return reaper?.pid;
}
