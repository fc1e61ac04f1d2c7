/** Parts of a connection URL; credentials are percent-encoded when written. */
export interface UrlParts {
  readonly host: string;
  readonly port: number;
  readonly tls?: boolean;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

function userinfo(username: string | undefined, password: string | undefined): string {
  if (!username && !password) return '';
  const user = username ? encodeURIComponent(username) : '';
  return password ? `${user}:${encodeURIComponent(password)}@` : `${user}@`;
}

/** `redis://[user[:password]@]host:port` or `rediss://…`. */
export function redisUrl(parts: UrlParts): string {
  return `${parts.tls ? 'rediss' : 'redis'}://${userinfo(parts.username, parts.password)}${parts.host}:${parts.port}`;
}

/** What a `redis-sentinel://` URL carries. */
export interface SentinelUrlParts {
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  readonly masterName: string;
  /** Credentials of the data nodes. */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** Credentials of the sentinels themselves, when they differ. */
  readonly sentinelUsername?: string | undefined;
  readonly sentinelPassword?: string | undefined;
  /** TLS towards the data nodes and the sentinels. */
  readonly tls?: boolean;
}

/**
 * `redis-sentinel://[user[:password]@]host:port,host:port/?name=<master>[&sentinelUsername=…]
 * [&sentinelPassword=…][&tls=true]`, the form @coordis/client parses.
 */
export function sentinelUrl(parts: SentinelUrlParts): string {
  const query = new URLSearchParams({ name: parts.masterName });
  if (parts.sentinelUsername) query.set('sentinelUsername', parts.sentinelUsername);
  if (parts.sentinelPassword) query.set('sentinelPassword', parts.sentinelPassword);
  if (parts.tls) query.set('tls', 'true');
  const hosts = parts.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
  return `redis-sentinel://${userinfo(parts.username, parts.password)}${hosts}/?${query.toString()}`;
}

/** `redis+cluster://[user[:password]@]host:port,host:port`. */
export function clusterUrl(parts: {
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly tls?: boolean;
}): string {
  const hosts = parts.nodes.map((s) => `${s.host}:${s.port}`).join(',');
  const query = parts.tls ? '?tls=true' : '';
  return `redis+cluster://${userinfo(parts.username, parts.password)}${hosts}${query}`;
}
