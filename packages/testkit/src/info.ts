/** INFO output as a flat map of `field -> value` (section headers dropped). */
export type Info = Readonly<Record<string, string>>;

export function parseInfo(text: string): Info {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Parses INFO's `k=v,k=v` values, such as `slave0:ip=127.0.0.1,port=6380,state=online`. */
export function parseInfoFields(value: string | undefined): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!value) return out;
  for (const part of value.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** A flat `[k, v, k, v]` reply (SENTINEL MASTER, SENTINEL REPLICAS entries) as a map. */
export function pairsToRecord(reply: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}
