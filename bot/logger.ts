/**
 * One structured logger for the whole process: pino, one JSON object per line, shared with
 * restify (pinoOf) and the SDK's console output (routeConsole). Whatever is logged passes
 * through `bounded` first: secrets, headers and message bodies are censored by key at any
 * depth, and strings, depth, arrays and the whole line are capped, so an attacker's payload
 * can neither leak through the logs nor flood them.
 */
import http from 'node:http';
import { format } from 'node:util';
import pino from 'pino';
import type restify from 'restify';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const REDACTED = '[Redacted]';
/** Longest string kept in a log field; a stack trace fits, a pasted document does not. */
export const MAX_STRING = 2048;
/** Characters of strings one line may carry in total, whatever the shape of the fields. */
const LINE_BUDGET = 8192;
const MAX_DEPTH = 5;
const MAX_ITEMS = 20;

/**
 * Keys whose values never reach a log, compared without case, dashes or underscores.
 * Secrets by name; `text`, `speak`, `body`, `value`, `attachments`: what people wrote or were
 * sent (message text, card data); `headers`: Authorization and cookies travel there.
 * pino's own `redact` takes fixed paths (`a.*.b`), which cannot say "this key at any depth".
 */
const CENSORED_KEYS = new Set([
  'text',
  'speak',
  'body',
  'rawbody',
  'value',
  'attachments',
  'headers',
  'rawheaders',
  'cookie',
  'setcookie',
]);
const CENSORED_PARTS =
  /authorization|token|secret|password|passwd|credential|cookie|apikey|privatekey|assertion/;
/** Bearer tokens and JWTs (even cut short) inside free text: error messages, URLs. */
const TOKEN_IN_TEXT = /\bBearer\s+[\w.~+/=-]+|\beyJ[\w-]{8,}(?:\.[\w-]*){0,2}/gi;
/** Secret-looking query parameters in URLs (`?token=…`, `&sig=…`): the name stays, the value goes. */
const SECRET_IN_QUERY = /([?&][\w.-]*(?:token|secret|password|sig|key|code)[\w.-]*=)[^&#\s"]*/gi;

function censoredKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return CENSORED_KEYS.has(k) || CENSORED_PARTS.test(k);
}

function boundedString(s: string, budget: { left: number }): string {
  // Tokens are censored before cutting, on a bounded prefix: the regex never sees a huge string.
  const kept = Math.min(MAX_STRING, Math.max(0, budget.left));
  let out = s
    .slice(0, 2 * MAX_STRING)
    .replace(TOKEN_IN_TEXT, REDACTED)
    .replace(SECRET_IN_QUERY, `$1${REDACTED}`);
  if (out.length > kept || s.length > 2 * MAX_STRING) out = `${out.slice(0, kept)}…[${s.length} chars]`;
  budget.left -= out.length;
  return out;
}

/** A copy of a log value that is safe to write: censored, capped, and free of cycles and sockets. */
function bounded(value: unknown, depth: number, budget: { left: number }): unknown {
  switch (typeof value) {
    case 'string':
      return boundedString(value, budget);
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return String(value);
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH || budget.left <= 0) return '[…]';
  if (value instanceof Date) return value.toISOString();
  // restify logs whole requests (`{ req, err }`): keep the request line, never the body or headers.
  if (value instanceof http.IncomingMessage)
    return bounded({ method: value.method, url: value.url }, depth, budget);
  if (value instanceof http.ServerResponse) return { statusCode: value.statusCode };
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => bounded(v, depth + 1, budget));
    if (value.length > MAX_ITEMS) items.push(`…[${value.length - MAX_ITEMS} more]`);
    return items;
  }
  const source = value as Record<string, unknown>;
  let keys: string[];
  if (value instanceof Error) {
    // Own fields of SDK errors (RestError's request/response) are where headers hide: name the
    // error, keep its message, stack and status, nothing else.
    const e = value as Error & { code?: unknown; statusCode?: unknown };
    return bounded(
      { name: e.name, message: e.message, stack: e.stack, code: e.code, statusCode: e.statusCode },
      depth,
      budget,
    );
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    keys = Object.keys(source);
  } else {
    return `[${(value as object).constructor?.name ?? 'object'}]`;
  }
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const key of keys) {
    if (kept++ >= MAX_ITEMS) {
      out['…'] = `${keys.length - MAX_ITEMS} more keys`;
      break;
    }
    out[key] = censoredKey(key) ? REDACTED : bounded(source[key], depth + 1, budget);
  }
  return out;
}

/** The fields of one line, made safe (exported for the tests and the memory logger). */
export function safeFields(fields: Record<string, unknown>): Record<string, unknown> {
  return bounded(fields, 0, { left: LINE_BUDGET }) as Record<string, unknown>;
}

const INSTANCE = Symbol('pino instance');
type PinoBacked = Logger & { [INSTANCE]?: pino.Logger };

function pinoOptions(level: LogLevel): pino.LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => safeFields(obj),
    },
    serializers: {
      // pino applies a serializer named after the message key to the message itself.
      msg: (msg: unknown) => (typeof msg === 'string' ? boundedString(msg, { left: 512 }) : msg),
      // Errors were already reduced by `bounded`; pino's own serializer would add their own fields back.
      err: (err: unknown) => err,
    },
  };
}

/**
 * The process's logger. Writes synchronously (default: stdout), so the last lines before a
 * crash are not lost; logging is off the hot path (no line per successful turn at info).
 */
export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  const destination = write ? { write } : pino.destination({ dest: 1, sync: true });
  const instance = pino(pinoOptions(level), destination);
  const logger: PinoBacked = {
    debug: (msg, fields) => instance.debug(fields ?? {}, msg),
    info: (msg, fields) => instance.info(fields ?? {}, msg),
    warn: (msg, fields) => instance.warn(fields ?? {}, msg),
    error: (msg, fields) => instance.error(fields ?? {}, msg),
    [INSTANCE]: instance,
  };
  return logger;
}

/**
 * The pino instance behind a Logger, for libraries that want one (restify's `log` option).
 * A Logger made otherwise (the tests' memoryLogger) gets a pino that forwards each line to it.
 */
export function pinoOf(logger: Logger): pino.Logger {
  const own = (logger as PinoBacked)[INSTANCE];
  if (own) return own;
  return pino(pinoOptions('debug'), {
    write(line: string) {
      const { level, msg, fields } = parseLine(line);
      logger[level](msg, fields);
    },
  });
}

/** For `restify.createServer({ log })`: restify 11 logs through pino, its typings (8.x) still say bunyan. */
export function restifyLog(logger: Logger): restify.ServerOptions['log'] {
  return pinoOf(logger) as unknown as restify.ServerOptions['log'];
}

/**
 * Sends console output to the logger, as JSON at debug level: on request paths only the SDK
 * writes there (botframework-connector prints every failed token validation with
 * console.error; the server already logs that request once, at warn). Node's process warnings
 * (restify's dependencies trigger a deprecation at start) become warn lines instead of plain
 * stderr text. Returns a function that puts both back.
 */
export function routeConsole(logger: Logger): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) {
    console[m] = (...args: unknown[]) =>
      logger.debug('console output', { source: 'console', method: m, output: format(...args) });
  }
  const nodeWarnings = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (w: Error & { code?: string }) =>
    logger.warn('process warning', { warning: w.name, code: w.code, detail: w.message });
  process.on('warning', onWarning);
  return () => {
    methods.forEach((m, i) => {
      console[m] = saved[i] as (typeof console)[typeof m];
    });
    process.off('warning', onWarning);
    for (const l of nodeWarnings) process.on('warning', l);
  };
}

export interface LogLine {
  level: LogLevel;
  msg: string;
  fields: Record<string, unknown>;
}

/** One written line back as level, message and fields (without pino's time and pid). */
function parseLine(line: string): LogLine {
  const fields = JSON.parse(line) as Record<string, unknown>;
  const { level, msg } = fields;
  for (const key of ['level', 'msg', 'time', 'pid']) delete fields[key];
  return {
    level: LEVELS.includes(level as LogLevel) ? (level as LogLevel) : 'error',
    msg: typeof msg === 'string' ? msg : '',
    fields,
  };
}

/** Keeps a test's output quiet while still recording what was logged. */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) =>
      lines.push({ level, msg, fields });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * The real logger writing into memory (tests): `output` has the JSON lines exactly as they
 * would reach stdout, `lines` the same parsed like memoryLogger's, and pinoOf gives restify the
 * same instance, as in production.
 */
export function capturedLogger(level: LogLevel = 'debug'): Logger & { lines: LogLine[]; output: string[] } {
  const output: string[] = [];
  const lines: LogLine[] = [];
  const logger = createLogger(level, (line) => {
    output.push(line);
    lines.push(parseLine(line));
  });
  return Object.assign(logger, { lines, output });
}

export function errorFields(err: unknown): Record<string, unknown> {
  return err instanceof Error
    ? { error: err.message, errorName: err.name, stack: err.stack }
    : { error: String(err) };
}
