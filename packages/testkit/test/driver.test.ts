import { afterEach, describe, expect, it } from 'vitest';
import { demux, parseDockerHost } from '../src/container-engine.js';
import { resolveDriver } from '../src/driver.js';
import { ContainerEngineUnavailableError, isTestkitError, startStandalone, TestkitOptionsError } from '../src/index.js';

describe('resolveDriver', () => {
  it('runs processes when neither the option nor COORDIS_TESTKIT_DRIVER says otherwise', () => {
    expect(resolveDriver({}, {}).name).toBe('process');
    expect(resolveDriver({}, { COORDIS_TESTKIT_DRIVER: '' }).name).toBe('process');
  });

  it('takes COORDIS_TESTKIT_DRIVER, and the option over it', () => {
    expect(resolveDriver({}, { COORDIS_TESTKIT_DRIVER: 'container' }).name).toBe('container');
    expect(resolveDriver({ driver: 'process' }, { COORDIS_TESTKIT_DRIVER: 'container' }).name).toBe('process');
    expect(resolveDriver({ driver: 'container' }, {}).name).toBe('container');
  });

  it('refuses an unknown driver name, saying where it came from', () => {
    expect(() => resolveDriver({}, { COORDIS_TESTKIT_DRIVER: 'docker' })).toThrow(TestkitOptionsError);
    expect(() => resolveDriver({}, { COORDIS_TESTKIT_DRIVER: 'docker' })).toThrow(/COORDIS_TESTKIT_DRIVER is "docker"/);
  });
});

describe('parseDockerHost', () => {
  it('reads unix sockets and plain tcp endpoints, and leaves the rest to testcontainers', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toEqual({ host: '127.0.0.1', port: 2375 });
    expect(parseDockerHost('ssh://user@host')).toBeUndefined();
  });
});

describe('demux', () => {
  it('joins the payloads of the engine’s stdout and stderr frames', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    expect(demux(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toBe('out\nerr\n');
  });
});

describe('the container driver without an engine', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('fails with a typed error naming DOCKER_HOST and the process driver when the engine named does not answer', async () => {
    process.env.DOCKER_HOST = 'unix:///nonexistent/coordis-testkit/docker.sock';
    const error = await startStandalone({ driver: 'container' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerEngineUnavailableError);
    expect(isTestkitError(error)).toBe(true);
    expect((error as ContainerEngineUnavailableError).code).toBe('TESTKIT_CONTAINER_ENGINE_UNAVAILABLE');
    expect((error as Error).message).toContain('DOCKER_HOST=unix:///nonexistent/coordis-testkit/docker.sock');
    expect((error as Error).message).toContain('COORDIS_TESTKIT_DRIVER=process');
  });
});
