/** One CONFIG GET answer: the value, refused (NOPERM, CONFIG renamed or disabled), or not a parameter here. */
export type ConfigAnswer =
  | { readonly state: 'value'; readonly value: string }
  | { readonly state: 'denied'; readonly reason: string }
  | { readonly state: 'absent' };

/** The CONFIG GET answers of one node, by parameter name. */
export type ConfigFacts = Readonly<Record<string, ConfigAnswer>>;

/**
 * The parameters the doctor reads with CONFIG GET, after INFO: only what INFO does not show.
 * (`maxmemory-policy`, `maxmemory`, `maxclients` and `aof_enabled` come from INFO, so they stay
 * known where CONFIG is refused.)
 */
export const CONFIG_PARAMS = [
  'save',
  'appendonly',
  'appendfsync',
  'tcp-keepalive',
  'timeout',
  'maxclients',
  'min-replicas-to-write',
  'min-replicas-max-lag',
  'client-output-buffer-limit',
  'repl-backlog-size',
  'protected-mode',
  'bind',
  'replica-read-only',
  'stop-writes-on-bgsave-error',
] as const;

/** A parameter the doctor reads. */
export type ConfigParam = (typeof CONFIG_PARAMS)[number];

/** The answer for a parameter; `absent` when it was not asked or does not exist. */
export function configAnswer(facts: ConfigFacts, name: ConfigParam): ConfigAnswer {
  return facts[name] ?? { state: 'absent' };
}

/** The value, or undefined when refused or absent. */
export function configValue(facts: ConfigFacts, name: ConfigParam): string | undefined {
  const a = configAnswer(facts, name);
  return a.state === 'value' ? a.value : undefined;
}

/** Why CONFIG was refused on this node, or undefined when it answered. */
export function configDenied(facts: ConfigFacts): string | undefined {
  for (const a of Object.values(facts)) if (a.state === 'denied') return a.reason;
  return undefined;
}

/**
 * True when a CONFIG GET error means "you may not ask" (ACL NOPERM, CONFIG renamed away or
 * disabled by a managed service) rather than a broken connection.
 */
export function isRefusal(message: string): boolean {
  return /^NOPERM|unknown command|not allowed|disabled|unknown subcommand/i.test(message);
}
