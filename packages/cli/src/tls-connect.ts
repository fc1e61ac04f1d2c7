import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Secret, type TlsSettings } from '@coordis/client';
import { DoctorOptionsError } from './errors.js';

function read(part: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new DoctorOptionsError(part, `cannot read ${part} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}

/**
 * Node TLS options for one node from the URL's TLS settings: files read, the certificate
 * checked against the host dialled (each node is verified as itself), verification on unless
 * `insecureSkipVerify` says otherwise.
 */
export function tlsConnectOptions(settings: TlsSettings, host: string): ConnectionOptions {
  const ca = settings.ca ?? (settings.caFile ? read('tlsCaFile', settings.caFile) : undefined);
  const cert = settings.cert ?? (settings.certFile ? read('tlsCertFile', settings.certFile) : undefined);
  const keyValue = settings.key ?? (settings.keyFile ? read('tlsKeyFile', settings.keyFile) : undefined);
  const key = keyValue instanceof Secret ? keyValue.reveal() : keyValue;
  const servername = settings.servername ?? (isIP(host) ? undefined : host);
  return {
    ...(ca !== undefined ? { ca: Array.isArray(ca) ? [...ca] : (ca as string | Buffer) } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(servername ? { servername } : {}),
    rejectUnauthorized: settings.insecureSkipVerify !== true,
  };
}
