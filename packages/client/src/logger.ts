import { type Logger as PinoLogger, pino } from 'pino';

/** The logger coordis writes through. */
export type Logger = PinoLogger;

/** What callers may pass: any pino logger, with or without custom levels. */
export type LoggerInput = PinoLogger<never, boolean> | PinoLogger<string, boolean>;

/**
 * Paths pino removes from every line it writes, in case a caller logs an options object: a
 * second guard behind the Secret type, which already prints as `[redacted]`.
 */
const REDACT = ['password', 'sentinelPassword', '*.password', '*.sentinelPassword', 'tls.key', '*.tls.key', 'options.password'];

/** The logger coordis writes to: the caller's (as a child), or a disabled one. */
export function clientLogger(parent: LoggerInput | undefined, bindings: Record<string, string>): Logger {
  const base = (parent ?? pino({ enabled: false })) as PinoLogger;
  return base.child({ component: 'coordis-client', ...bindings }, { redact: { paths: REDACT, censor: '[redacted]' } });
}
