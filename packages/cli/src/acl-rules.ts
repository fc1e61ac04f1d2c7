/** The ACL categories of the commands the doctor asks about (Redis 6 and 7 agree on these). */
const CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  'config|set': ['admin', 'slow', 'dangerous'],
  'config|rewrite': ['admin', 'slow', 'dangerous'],
  'module|load': ['admin', 'slow', 'dangerous'],
  'module|loadex': ['admin', 'slow', 'dangerous'],
  replicaof: ['admin', 'slow', 'dangerous', 'stale', 'noscript'],
  slaveof: ['admin', 'slow', 'dangerous'],
  debug: ['admin', 'slow', 'dangerous'],
};

/**
 * Whether an ACL rule string (`ACL GETUSER`'s `commands`: `+@all -@dangerous +config|get`)
 * allows `command|subcommand`. Rules apply left to right, the last that matches wins, as
 * Redis applies them.
 */
export function aclAllows(rules: string, command: string, subcommand?: string): boolean {
  const full = subcommand ? `${command}|${subcommand}` : command;
  const cats = CATEGORIES[full] ?? CATEGORIES[command] ?? [];
  let allowed = false;
  for (const token of rules.split(/\s+/).filter(Boolean)) {
    if (token === 'allcommands') {
      allowed = true;
      continue;
    }
    if (token === 'nocommands') {
      allowed = false;
      continue;
    }
    const sign = token[0];
    if (sign !== '+' && sign !== '-') continue;
    const what = token.slice(1).toLowerCase();
    let matches = false;
    if (what === '@all') matches = true;
    else if (what.startsWith('@')) matches = cats.includes(what.slice(1));
    else if (what.includes('|')) matches = what === full;
    else matches = what === command;
    if (matches) allowed = sign === '+';
  }
  return allowed;
}

/** The dangerous commands an ACL rule string allows, out of CONFIG SET, CONFIG REWRITE, MODULE LOAD, REPLICAOF, DEBUG. */
export function dangerousAllowed(rules: string): string[] {
  const asks: [string, string | undefined][] = [
    ['config', 'set'],
    ['config', 'rewrite'],
    ['module', 'load'],
    ['replicaof', undefined],
    ['debug', undefined],
  ];
  return asks.filter(([c, s]) => aclAllows(rules, c, s)).map(([c, s]) => (s ? `${c.toUpperCase()} ${s.toUpperCase()}` : c.toUpperCase()));
}
