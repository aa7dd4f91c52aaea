import { AsyncLocalStorage } from 'node:async_hooks';
import { redact } from './redact.ts';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds correlation fields (ticketId, executionArn, messageId, requestId) to every line. */
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

/**
 * Correlation fields of the invocation in progress (set by the function wrappers), so a line logged
 * deep in domain code still names its ticket, desk, execution or request.
 */
const invocation = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `fn` with `fields` added to every line any logger writes during it (nested calls add more). */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return invocation.run({ ...invocation.getStore(), ...fields }, fn);
}

/**
 * Structured JSON logs, one object per line (what CloudWatch Logs Insights queries), with PII
 * redacted before anything is written. `write` is injectable for tests.
 */
export function createLogger(
  base: Record<string, unknown> = {},
  options: { level?: LogLevel; write?: (line: string) => void; now?: () => Date } = {},
): Logger {
  const level = options.level ?? ((process.env.LOG_LEVEL as LogLevel | undefined) || 'INFO');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const emit = (lvl: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[lvl] < (ORDER[level] ?? 20)) return;
    const entry = {
      level: lvl,
      timestamp: now().toISOString(),
      service: process.env.SERVICE_NAME || 'tierdesk',
      ...invocation.getStore(),
      ...base,
      message,
      ...fields,
    };
    write(JSON.stringify(redact(entry)));
  };
  return {
    debug: (m, f) => emit('DEBUG', m, f),
    info: (m, f) => emit('INFO', m, f),
    warn: (m, f) => emit('WARN', m, f),
    error: (m, f) => emit('ERROR', m, f),
    child: (fields) => createLogger({ ...base, ...fields }, options),
  };
}

export const logger = createLogger();
