/** One JSON object per line: easy to read in a terminal and to ship to a log service. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const log =
    (at: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[at] < ORDER[level]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Keeps a test's output quiet while still recording what was logged. */
export function memoryLogger(): Logger & {
  lines: { level: LogLevel; msg: string; fields: Record<string, unknown> }[];
} {
  const lines: { level: LogLevel; msg: string; fields: Record<string, unknown> }[] = [];
  const log =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) =>
      lines.push({ level, msg, fields });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export function errorFields(err: unknown): Record<string, unknown> {
  return err instanceof Error
    ? { error: err.message, errorName: err.name, stack: err.stack }
    : { error: String(err) };
}
