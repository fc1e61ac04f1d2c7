import { parseArgs } from 'node:util';
import { CoordisConfigError, connectionFromEnv, isCoordisError } from '@coordis/client';
import { USAGE } from './cli-usage.js';
import { DEFAULTS } from './defaults.js';
import { PROVIDERS, type Provider } from './engine.js';
import { DoctorOptionsError, isDoctorOptionsError } from './errors.js';
import { EXIT, exitCodeFor, type FailOn } from './exit-code.js';
import { runMonitor } from './monitor/run-monitor.js';
import { renderJson, renderPlain, renderTable } from './render-report.js';
import { palette, wantsColor } from './render-style.js';
import { PROFILES, type Profile } from './report.js';
import { type RunDoctorOptions, runDoctor } from './run-doctor.js';
import { mergeThresholds, parseThresholdArg } from './thresholds.js';
import { TOOL } from './tool-version.js';

/** Where the command line writes, and what it reads from its environment. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

const OPTIONS = {
  json: { type: 'boolean' },
  profile: { type: 'string' },
  'fail-on': { type: 'string' },
  strict: { type: 'boolean' },
  timeout: { type: 'string' },
  checks: { type: 'string', multiple: true },
  threshold: { type: 'string', multiple: true },
  'host-checks': { type: 'boolean' },
  provider: { type: 'string' },
  env: { type: 'string' },
  'no-color': { type: 'boolean' },
  interval: { type: 'string' },
  once: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

function ms(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) <= 0)
    throw new DoctorOptionsError(name, `--${name} ${text} is not a positive whole number of milliseconds.`);
  return Number(text);
}

function oneOf<T extends string>(name: string, text: string | undefined, allowed: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text))
    throw new DoctorOptionsError(name, `--${name} ${text} is not one of ${allowed.join(', ')}.`);
  return text as T;
}

type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;

/** What to inspect: the positional URL, else --env PREFIX, else $REDIS_URL. */
function targetOptions(values: Parsed['values'], url: string | undefined, env: CliIo['env']): Pick<RunDoctorOptions, 'url' | 'spec'> {
  if (url !== undefined && values.env !== undefined) throw new DoctorOptionsError('env', 'give either a URL or --env, not both.');
  if (url !== undefined) return { url };
  if (values.env !== undefined) {
    try {
      return { spec: connectionFromEnv(values.env, env) };
    } catch (e) {
      if (e instanceof CoordisConfigError) throw new DoctorOptionsError('env', e.message, { cause: e });
      throw e;
    }
  }
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  throw new DoctorOptionsError('url', 'no URL: give one (coordis doctor redis://host:6379), or --env PREFIX, or set REDIS_URL.');
}

async function doctor(values: Parsed['values'], positionals: readonly string[], io: CliIo): Promise<number> {
  if (positionals.length > 1) throw new DoctorOptionsError('url', `one URL, please: got ${positionals.length} arguments.`);
  if (values.interval !== undefined || values.once) throw new DoctorOptionsError('interval', '--interval and --once are monitor options.');
  const failOn = oneOf<FailOn>('fail-on', values['fail-on'], ['warn', 'fail'], DEFAULTS.failOn);
  const profile = oneOf<Profile>('profile', values.profile, PROFILES, DEFAULTS.profile);
  const provider = values.provider === undefined ? undefined : oneOf<Provider>('provider', values.provider, PROVIDERS, 'self-hosted');
  const checks = (values.checks ?? [])
    .flatMap((c) => c.split(','))
    .map((c) => c.trim())
    .filter(Boolean);
  const report = await runDoctor({
    ...targetOptions(values, positionals[0], io.env),
    profile,
    timeoutMs: ms('timeout', values.timeout, DEFAULTS.timeoutMs),
    ...(checks.length ? { checks } : {}),
    thresholds: mergeThresholds((values.threshold ?? []).map(parseThresholdArg)),
    ...(values['host-checks'] ? { hostChecks: true } : {}),
    ...(provider ? { provider } : {}),
    ...(values.strict ? { strict: true } : {}),
  });
  if (values.json) io.stdout.write(renderJson(report));
  else if (io.stdout.isTTY)
    io.stdout.write(renderTable(report, palette(wantsColor(true, io.env, values['no-color'] === true)), io.stdout.columns, failOn));
  else io.stdout.write(renderPlain(report, failOn));
  return exitCodeFor(report, failOn);
}

/**
 * The `coordis` command line: `doctor` and `monitor`. Returns the exit code; writes only to
 * `io`. A usage error prints the problem and the usage, and returns 4.
 */
export async function main(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr.write(`coordis: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout.write(`${TOOL.name} ${TOOL.version}\n`);
    return EXIT.ok;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === 'help' || command === undefined) {
    (command === undefined && !values.help ? io.stderr : io.stdout).write(USAGE);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  try {
    if (command === 'doctor') return await doctor(values, rest, io);
    if (command === 'monitor') {
      if (rest.length > 1) throw new DoctorOptionsError('url', `one URL, please: got ${rest.length} arguments.`);
      const target = targetOptions(values, rest[0], io.env);
      return await runMonitor({
        ...target,
        intervalMs: ms('interval', values.interval, DEFAULTS.monitorIntervalMs),
        once: values.once === true,
        json: values.json === true,
        out: io.stdout,
        err: io.stderr,
        color: wantsColor(io.stdout.isTTY, io.env, values['no-color'] === true),
        ...(signal ? { signal } : {}),
      });
    }
    throw new DoctorOptionsError('command', `unknown command "${command}": use doctor or monitor.`);
  } catch (e) {
    if (isDoctorOptionsError(e)) {
      io.stderr.write(`coordis: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    // Anything else is a bug; the message of a coordis error never carries a secret.
    io.stderr.write(`coordis: ${isCoordisError(e) ? e.message : e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.unreachable;
  }
}
