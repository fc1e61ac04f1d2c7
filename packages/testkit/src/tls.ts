import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpensslNotFoundError, TestkitError } from './errors.js';
import { ownDir } from './reaper.js';

const run = promisify(execFile);

/** A certificate authority and the certificates it signed, as PEM text and as files. */
export interface TlsMaterial {
  /** The CA certificate clients trust. */
  readonly ca: string;
  /** Server certificate (also valid as a client certificate, as replication needs). */
  readonly cert: string;
  readonly key: string;
  /** A client certificate for `tls-auth-clients yes`. */
  readonly clientCert: string;
  readonly clientKey: string;
  readonly files: {
    readonly ca: string;
    readonly cert: string;
    readonly key: string;
    readonly clientCert: string;
    readonly clientKey: string;
  };
}

export interface CertificateOptions {
  /** Names the server certificate is valid for. @default ['127.0.0.1', 'localhost'] */
  readonly hosts?: readonly string[];
  /** Directory to write into; a new temporary directory (removed with the process) when absent. */
  readonly dir?: string;
}

function sanEntry(host: string): string {
  return /^[\d.]+$/.test(host) || host.includes(':') ? `IP:${host}` : `DNS:${host}`;
}

/**
 * Generates a fresh CA, a server certificate and a client certificate with `openssl`
 * (EC P-256 keys: fast to make, accepted by every TLS stack Redis builds against). Call it
 * twice to get a second, unrelated CA for wrong-CA tests.
 */
export async function generateCertificates(opts: CertificateOptions = {}): Promise<TlsMaterial> {
  const openssl = process.env.OPENSSL_BIN ?? 'openssl';
  let dir = opts.dir;
  if (!dir) {
    dir = await mkdtemp(join(tmpdir(), 'coordis-testkit-tls-'));
    ownDir(dir);
  }
  const hosts = opts.hosts ?? ['127.0.0.1', 'localhost'];
  const p = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await writeFile(p('ext.cnf'), `subjectAltName=${hosts.map(sanEntry).join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  await writeFile(p('client-ext.cnf'), 'extendedKeyUsage=clientAuth\n');
  const steps: string[][] = [
    ['req', '-x509', '-new', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '7', '-subj', '/CN=coordis-testkit CA'],
    ['req', '-new', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', `/CN=${hosts[0] ?? 'localhost'}`],
    [
      'x509',
      '-req',
      '-in',
      p('server.csr'),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p('server.crt'),
      '-days',
      '7',
      '-extfile',
      p('ext.cnf'),
    ],
    ['req', '-new', ...ec, '-keyout', p('client.key'), '-out', p('client.csr'), '-subj', '/CN=coordis-testkit client'],
    [
      'x509',
      '-req',
      '-in',
      p('client.csr'),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p('client.crt'),
      '-days',
      '7',
      '-extfile',
      p('client-ext.cnf'),
    ],
  ];
  for (const args of steps) {
    try {
      await run(openssl, args, { timeout: 10_000 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new OpensslNotFoundError({ cause: e });
      throw new TestkitError(
        'TESTKIT_TLS_FAILED',
        `openssl ${args[0]} failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`,
        { cause: e },
      );
    }
  }
  const files = { ca: p('ca.crt'), cert: p('server.crt'), key: p('server.key'), clientCert: p('client.crt'), clientKey: p('client.key') };
  const [ca, cert, key, clientCert, clientKey] = await Promise.all([
    readFile(files.ca, 'utf8'),
    readFile(files.cert, 'utf8'),
    readFile(files.key, 'utf8'),
    readFile(files.clientCert, 'utf8'),
    readFile(files.clientKey, 'utf8'),
  ]);
  return { ca, cert, key, clientCert, clientKey, files };
}
