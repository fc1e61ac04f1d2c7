import { readFile } from 'node:fs/promises';

/** Reads a small file of this host (/proc, /sys); undefined when it does not exist or may not be read. */
export async function readHostFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** The value in brackets of a /sys multiple-choice file: `always [madvise] never` → `madvise`. */
export function selectedChoice(text: string): string | undefined {
  return /\[([^\]]+)\]/.exec(text)?.[1];
}

/** A `Name:   123 kB` line of /proc/<pid>/status or /proc/meminfo, in bytes. */
export function procKb(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}
