import pc from 'picocolors';
import type { CheckStatus } from './report.js';

/** The colours of one output: real ones on a terminal, identity functions otherwise. */
export type Palette = ReturnType<typeof pc.createColors>;

/** A palette with colours on or off. */
export function palette(enabled: boolean): Palette {
  return pc.createColors(enabled);
}

/** `PASS`, `WARN`… coloured by severity. */
export function statusLabel(status: CheckStatus, c: Palette): string {
  const text = status.toUpperCase();
  switch (status) {
    case 'pass':
      return c.green(text);
    case 'warn':
      return c.yellow(text);
    case 'fail':
      return c.bold(c.red(text));
    case 'error':
      return c.magenta(text);
    default:
      return c.cyan(text);
  }
}

/**
 * Whether to colour: a terminal, unless NO_COLOR is set or `--no-color` given; FORCE_COLOR
 * turns colour on anywhere (https://no-color.org, https://force-color.org).
 */
export function wantsColor(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY === true;
}
