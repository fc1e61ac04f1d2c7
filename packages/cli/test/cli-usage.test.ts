import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { EXIT } from '../src/exit-code.js';

function io() {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {} },
    out: () => stdout,
    err: () => stderr,
  };
}

describe('coordis usage errors', () => {
  it.each([
    [[]],
    [['doctor']],
    [['doctor', '--bogus', 'redis://127.0.0.1:1']],
    [['doctor', 'redis://127.0.0.1:1', '--profile', 'batch']],
    [['doctor', 'redis://127.0.0.1:1', '--fail-on', 'sometimes']],
    [['doctor', 'redis://127.0.0.1:1', '--timeout', 'soon']],
    [['doctor', 'redis://127.0.0.1:1', '--checks', 'memroy']],
    [['doctor', 'redis://127.0.0.1:1', '--threshold', 'memory.usage.warnPct=x']],
    [['doctor', 'ftp://127.0.0.1']],
    [['doctor', 'redis://a:1', 'redis://b:2']],
    [['monitor', 'redis://127.0.0.1:1', '--json']],
    [['frobnicate']],
  ])('exits 4 with the usage for %j', async (argv) => {
    const x = io();
    expect(await main(argv, x.io)).toBe(EXIT.usage);
    expect(x.err()).toContain('Usage:');
  });

  it('never quotes the password of a bad URL', async () => {
    const x = io();
    expect(await main(['doctor', 'redis://:T0p-s3cret@host:99999'], x.io)).toBe(EXIT.usage);
    expect(x.err() + x.out()).not.toContain('T0p-s3cret');
  });

  it('prints help and the version with exit 0', async () => {
    const x = io();
    expect(await main(['--help'], x.io)).toBe(0);
    expect(x.out()).toContain('Exit codes');
    const y = io();
    expect(await main(['--version'], y.io)).toBe(0);
    expect(y.out()).toMatch(/^@coordis\/cli \d/);
  });

  it('reads the URL from REDIS_URL when none is given', async () => {
    const x = io();
    const code = await main(['doctor', '--timeout', '500'], { ...x.io, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(code).toBe(EXIT.unreachable);
    expect(x.out()).toContain('127.0.0.1:1');
  });

  it('reads Convoy-style variables with --env, and prints the target without the password', async () => {
    const x = io();
    const env = { CONVOY_REDIS_HOST: '127.0.0.1', CONVOY_REDIS_PORT: '1', CONVOY_REDIS_PASSWORD: 'Env-S3cret' };
    const code = await main(['doctor', '--env', 'CONVOY_REDIS', '--timeout', '500'], { ...x.io, env });
    expect(code).toBe(EXIT.unreachable);
    expect(x.out()).toContain('redis://127.0.0.1:1');
    expect(x.out() + x.err()).not.toContain('Env-S3cret');
  });
});
