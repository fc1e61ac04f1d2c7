import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerStartError } from './errors.js';
import { disownPid, ownPid } from './reaper.js';
import { findRedisServer } from './redis-binary.js';
import type { RunnerSpec, ServerDriver, ServerRunner } from './server-runner.js';
import { hostNetwork } from './topology-network.js';

/** Where a server's stderr goes: fatal config errors are printed there, not to its log file. */
export const STDERR_FILE = 'stderr.log';

/** Runs each server as a child process of this one, from the redis-server the machine has. */
export const processDriver: ServerDriver = {
  name: 'process',
  runner: (spec) => new ProcessRunner(spec),
  ready: async () => {
    findRedisServer();
    return 'host';
  },
  network: async (host) => hostNetwork(host),
};

class ProcessRunner implements ServerRunner {
  readonly #spec: RunnerSpec;
  #child: ChildProcess | undefined;
  #running = false;
  #exited: Promise<void> = Promise.resolve();

  constructor(spec: RunnerSpec) {
    this.#spec = spec;
  }

  get pid(): number | undefined {
    return this.#running ? this.#child?.pid : undefined;
  }

  async start(): Promise<void> {
    const bin = findRedisServer();
    const args = [this.#spec.configPath];
    if (this.#spec.kind === 'sentinel') args.push('--sentinel');
    // stderr to a file, not a pipe: a pipe would keep the test process alive.
    const stderrFd = openSync(join(this.#spec.dir, STDERR_FILE), 'a');
    let child: ChildProcess;
    try {
      child = spawn(bin.path, args, { cwd: this.#spec.dir, stdio: ['ignore', 'ignore', stderrFd] });
    } finally {
      closeSync(stderrFd);
    }
    const pid = child.pid;
    if (pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new ServerStartError(`redis-server ${this.#spec.name}`, error.message, '', { cause: error });
    }
    ownPid(pid);
    child.unref();
    this.#child = child;
    this.#running = true;
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        disownPid(pid);
        if (this.#child === child) {
          this.#running = false;
          this.#spec.onExit();
        }
        resolve();
      });
    });
  }

  async exited(): Promise<boolean> {
    return !this.#running;
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || !this.#running) return;
    // Keep this process alive until the exit is seen, even though the child is unref'd.
    child.ref();
    child.kill('SIGKILL');
    await this.#exited;
  }

  async terminate(graceMs: number): Promise<void> {
    const child = this.#child;
    if (!child || !this.#running) return;
    child.ref();
    child.kill('SIGTERM');
    const timedOut = await Promise.race([this.#exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) await this.kill();
  }

  async signal(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    this.#child?.kill(signal);
  }

  async diagnostics(): Promise<string> {
    return '';
  }

  async dispose(): Promise<void> {}
}
