/**
 * Extra server directives, passed through to redis.conf as they are: the key is the
 * directive, a string or number is written after it unquoted (so `'900 1 300 10'` or
 * `'alice on >secret ~* +@all'` mean what they mean in redis.conf), an empty string is
 * written as `""`, `true`/`false` as `yes`/`no`, and an array writes one line per item.
 */
export type ServerConfig = Readonly<Record<string, ConfigValue | readonly ConfigValue[]>>;
export type ConfigValue = string | number | boolean;

/** One redis.conf line: a directive and its already-rendered arguments. */
export type ConfigLine = readonly [directive: string, ...args: string[]];

/** Quotes one argument the way redis.conf's parser (sdssplitargs) reads it back. */
export function quoteArg(value: string): string {
  if (value !== '' && /^[\x21-\x7e]+$/.test(value) && !/["'\\]/.test(value)) return value;
  let out = '"';
  for (const ch of Buffer.from(value, 'utf8')) {
    if (ch === 0x22) out += '\\"';
    else if (ch === 0x5c) out += '\\\\';
    else if (ch >= 0x20 && ch <= 0x7e) out += String.fromCharCode(ch);
    else out += `\\x${ch.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

function renderValue(value: ConfigValue): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  if (value === '') return '""';
  return String(value);
}

/** Turns pass-through options into lines; later lines win in redis.conf, so they go last. */
export function configLines(config: ServerConfig | undefined): ConfigLine[] {
  const lines: ConfigLine[] = [];
  for (const [directive, value] of Object.entries(config ?? {})) {
    const values: readonly ConfigValue[] = Array.isArray(value) ? value : [value as ConfigValue];
    for (const v of values) lines.push([directive, renderValue(v)]);
  }
  return lines;
}

/** The text of a redis.conf file. */
export function renderConfig(lines: readonly ConfigLine[]): string {
  return `${lines.map((line) => line.join(' ')).join('\n')}\n`;
}
