// @ts-check
// The testkit's reaper. Each test process that starts a server starts one reaper and tells it,
// line by line on stdin, what it owns: `pid N` / `unpid N` for server processes, `dir P` /
// `undir P` for temporary directories. When stdin closes (the test process exited, crashed,
// or was SIGKILLed: the kernel closes the pipe in every case) the reaper kills every pid still
// listed and removes every directory still listed, so no server outlives its test run.
// Servers run in containers (the container driver) are listed as `ctr ID`, with the engine's
// address as `engine {"socketPath": …}` or `engine {"host": …, "port": …}`; the reaper removes
// them through the engine's HTTP API, so it needs neither testcontainers nor a docker CLI.
// Bridge networks of topologies in mapped mode are listed as `net ID`, and removed once the
// containers on them are gone.
// It runs in its own process group, so a Ctrl-C aimed at the test run does not stop it first.
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';

const pids = new Set();
const dirs = new Set();
const containers = new Set();
const networks = new Set();
/** @type {{ socketPath?: string, host?: string, port?: number } | undefined} */
let engine;
let pending = '';

/** @param {string} line */
function handle(line) {
  const space = line.indexOf(' ');
  if (space < 0) return;
  const verb = line.slice(0, space);
  const arg = line.slice(space + 1);
  if (verb === 'pid') pids.add(Number(arg));
  else if (verb === 'unpid') pids.delete(Number(arg));
  else if (verb === 'dir') dirs.add(arg);
  else if (verb === 'undir') dirs.delete(arg);
  else if (verb === 'ctr') containers.add(arg);
  else if (verb === 'unctr') containers.delete(arg);
  else if (verb === 'net') networks.add(arg);
  else if (verb === 'unnet') networks.delete(arg);
  else if (verb === 'engine') engine = JSON.parse(arg);
}

/** A pid is killed only while it still is one of our servers: pids get reused. @param {number} pid */
function stillOurs(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis');
  } catch (e) {
    // No /proc (macOS): trust the list; the window for reuse is the moment of the crash.
    return /** @type {NodeJS.ErrnoException} */ (e).code !== 'ENOENT' || !existsProc();
  }
}

function existsProc() {
  try {
    readFileSync('/proc/self/cmdline');
    return true;
  } catch {
    return false;
  }
}

/** DELETE on the engine's API, for `path`; resolves whatever the answer. @param {string} path */
function engineDelete(path) {
  return new Promise((resolve) => {
    if (!engine) return resolve(undefined);
    const req = request({ ...engine, method: 'DELETE', path, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Kills the container if it runs, then removes it. @param {string} id */
function removeContainer(id) {
  return engineDelete(`/containers/${encodeURIComponent(id)}?force=true&v=true`);
}

/** @param {string} id */
function removeNetwork(id) {
  return engineDelete(`/networks/${encodeURIComponent(id)}`);
}

let reaped = false;
function reap() {
  if (reaped) return;
  reaped = true;
  for (const pid of pids) {
    if (!stillOurs(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  // Containers first: their servers write into the directories removed next, and a network
  // is removed only once no container is on it.
  Promise.all([...containers].map(removeContainer))
    .then(() => Promise.all([...networks].map(removeNetwork)))
    .then(() => {
      // Give the kernel a moment to let the killed servers release files in their directories.
      setTimeout(removeDirs, 100);
    });
}

function removeDirs() {
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    } catch {
      // Nothing more can be done; the directory is under the OS temp dir.
    }
  }
  process.exit(0);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
    handle(pending.slice(0, i));
    pending = pending.slice(i + 1);
  }
});
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, () => {});
