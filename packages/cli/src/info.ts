/** INFO fields by name, all sections merged (`used_memory`, `role`, `slave0`…). */
export type Info = Readonly<Record<string, string>>;

/** Parses the text of INFO (any sections) into one record; section headers and blanks are dropped. */
export function parseInfo(text: string): Info {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Parses `ip=127.0.0.1,port=6380,state=online,…` (INFO's `slaveN` and `dbN` values). */
export function parseInfoFields(value: string): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** A number field, or undefined when absent or not a number. */
export function infoNumber(info: Info, field: string): number | undefined {
  const v = info[field];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A replica as its primary's INFO lists it (`slaveN:ip=…,port=…,state=…,offset=…,lag=…`). */
export interface InfoReplica {
  readonly host: string;
  readonly port: number;
  readonly state: string;
  readonly offset: number;
  readonly lagS: number | undefined;
}

/** The replicas a primary's INFO replication lists. */
export function infoReplicas(info: Info): InfoReplica[] {
  const out: InfoReplica[] = [];
  for (const [key, value] of Object.entries(info)) {
    if (!/^slave\d+$/.test(key)) continue;
    const f = parseInfoFields(value);
    if (!f.ip || !f.port) continue;
    out.push({
      host: f.ip,
      port: Number(f.port),
      state: f.state ?? 'unknown',
      offset: Number(f.offset ?? 0),
      lagS: f.lag === undefined ? undefined : Number(f.lag),
    });
  }
  return out;
}

/** Turns a flat `[k1, v1, k2, v2…]` reply (SENTINEL MASTER, CONFIG GET) into a record. */
export function pairsToRecord(reply: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}
