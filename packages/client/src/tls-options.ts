import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { TlsSettings } from './connection-spec.js';
import { CoordisConfigError } from './errors.js';
import { Secret } from './secret.js';

/** TLS settings with files read and defaults applied, ready for each dial. */
export interface ResolvedTls {
  readonly ca?: string | Buffer | (string | Buffer)[];
  readonly cert?: string | Buffer;
  readonly key?: Secret;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

function read(part: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CoordisConfigError(
      part,
      `cannot read ${part} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Check the path and its permissions.`,
    );
  }
}

/** Reads certificate files once, when the client is made, so a missing file fails fast. */
export function resolveTls(settings: TlsSettings, side: 'tls' | 'sentinelTls'): ResolvedTls {
  const ca = settings.ca !== undefined ? (Array.isArray(settings.ca) ? [...settings.ca] : (settings.ca as string | Buffer)) : undefined;
  const caFromFile = settings.caFile ? read(`${side}.caFile`, settings.caFile) : undefined;
  const cert = settings.cert ?? (settings.certFile ? read(`${side}.certFile`, settings.certFile) : undefined);
  const keyValue = settings.key ?? (settings.keyFile ? read(`${side}.keyFile`, settings.keyFile) : undefined);
  const key = keyValue === undefined ? undefined : keyValue instanceof Secret ? keyValue : new Secret(keyValue.toString());
  if ((cert === undefined) !== (key === undefined)) {
    throw new CoordisConfigError(
      `${side}.cert`,
      `a client ${cert ? 'certificate' : 'key'} is given without its ${cert ? 'key' : 'certificate'}: give both (cert and key) or neither.`,
    );
  }
  return {
    ...(ca !== undefined || caFromFile !== undefined ? { ca: caFromFile ?? (ca as string | Buffer | (string | Buffer)[]) } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(settings.servername ? { servername: settings.servername } : {}),
    rejectUnauthorized: settings.insecureSkipVerify !== true,
  };
}

/**
 * Node TLS options for one dial. The certificate is checked against the host actually
 * dialled (after natMap), unless a servername is fixed: each node is verified as itself.
 */
export function tlsConnectOptions(tls: ResolvedTls, host: string): ConnectionOptions {
  const servername = tls.servername ?? (isIP(host) ? undefined : host);
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key.reveal() } : {}),
    ...(servername ? { servername } : {}),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}
