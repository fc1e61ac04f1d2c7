import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { RedisServerNotFoundError } from './errors.js';

/** The redis-server binary the testkit runs, and its version. */
export interface RedisBinary {
  readonly path: string;
  readonly version: string;
  /** Major and minor as numbers, for feature checks. */
  readonly major: number;
  readonly minor: number;
}

let cached: RedisBinary | undefined;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds redis-server: `REDIS_SERVER_BIN` when set (and then only there), else the PATH.
 * Throws {@link RedisServerNotFoundError} naming both ways to fix it.
 */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): RedisBinary {
  if (cached && env === process.env) return cached;
  let path: string | undefined;
  const explicit = env.REDIS_SERVER_BIN;
  if (explicit) {
    if (!executable(explicit)) throw new RedisServerNotFoundError(`REDIS_SERVER_BIN=${explicit} is not an executable file`);
    path = explicit;
  } else {
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      if (dir && executable(join(dir, 'redis-server'))) {
        path = join(dir, 'redis-server');
        break;
      }
    }
    if (!path) throw new RedisServerNotFoundError('not on PATH and REDIS_SERVER_BIN is not set');
  }
  let out: string;
  try {
    out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 5000 });
  } catch (cause) {
    const where = explicit ? `REDIS_SERVER_BIN=${path}` : path;
    throw new RedisServerNotFoundError(
      `${where} is not a working redis-server: --version failed: ${(cause as Error).message.split('\n')[0]}`,
    );
  }
  const m = /v=(\d+)\.(\d+)\.(\d+)/.exec(out);
  if (!m) throw new RedisServerNotFoundError(`${path} --version printed no version: ${out.trim()}`);
  const found: RedisBinary = { path, version: `${m[1]}.${m[2]}.${m[3]}`, major: Number(m[1]), minor: Number(m[2]) };
  if (env === process.env) cached = found;
  return found;
}
