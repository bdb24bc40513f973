/**
 * Which pg errors mean "the database cannot be reached" rather than "this statement failed": the
 * server is down, restarting, refusing connections or logins, or the connection died. Each gets a
 * kind (a few words) so the bot logs one line per kind, not one per failed turn.
 */
import { DatabaseUnavailableError } from '../unavailable';

/** SQLSTATEs: class 08 (connection exception) is matched by prefix. */
const BY_CODE: Record<string, string> = {
  '57P01': 'server shut the connection down', // admin_shutdown (a fast stop, a restart)
  '57P02': 'server crashed', // crash_shutdown
  '57P03': 'server starting or stopping', // cannot_connect_now
  '53300': 'server has no free connections', // too_many_connections
  '3D000': 'database missing', // invalid_catalog_name (dropped, or DATABASE_URL names another)
  '28000': 'login refused', // invalid_authorization_specification
  '28P01': 'login refused', // invalid_password (a rotated password, an expired Entra token)
  '57014': 'timed out', // query_canceled: statement_timeout (DATABASE_STATEMENT_TIMEOUT_MS) ran out
};

/** Node's socket errors (err.code). */
const BY_ERRNO: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection lost',
  EPIPE: 'connection lost',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'server not found',
  EAI_AGAIN: 'server not found',
  EHOSTUNREACH: 'server not reachable',
  ENETUNREACH: 'server not reachable',
};

/** pg's own errors carry no code; their messages are stable across pg 8. */
const BY_MESSAGE: [RegExp, string][] = [
  [/Connection terminated unexpectedly/i, 'connection lost'],
  [/not queryable/i, 'connection lost'], // a client whose connection already died
  [/timeout exceeded when trying to connect|connection timeout/i, 'timed out'],
  // query_timeout: the server did not answer at all (hung, or the network dropped without a reset).
  [/Query read timeout/i, 'timed out'],
  [/no Microsoft Entra token/i, 'login refused'], // entraPassword.ts: the credential failed
];

/**
 * Whether the connection that gave `err` must be thrown away: it died, or a statement on it got no
 * answer (the server may still be working on it). A statement the server itself cancelled
 * (statement_timeout) leaves a connection that works.
 */
export function connectionSpent(err: unknown): boolean {
  return !!unreachableKind(err) && (err as { code?: unknown }).code !== '57014';
}

/** The kind of connection failure, or null when the error is about the statement itself. */
export function unreachableKind(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (BY_CODE[code]) return BY_CODE[code];
    if (code.startsWith('08')) return 'connection lost';
    if (BY_ERRNO[code]) return BY_ERRNO[code];
  }
  // An AggregateError (one per address tried) carries the socket codes inside.
  const inner = (err as { errors?: unknown }).errors;
  if (Array.isArray(inner)) for (const e of inner) if (unreachableKind(e)) return unreachableKind(e);
  return BY_MESSAGE.find(([pattern]) => pattern.test(err.message))?.[1] ?? null;
}

/**
 * The error as the bot should see it: DatabaseUnavailableError for connection failures, else
 * unchanged; `knownKind` when the caller knows the connection died whatever the error says.
 */
export function asUnavailable(err: unknown, knownKind?: string): unknown {
  if (err instanceof DatabaseUnavailableError) return err;
  const kind = unreachableKind(err) ?? knownKind;
  return kind
    ? new DatabaseUnavailableError(kind, String((err as Error | null)?.message ?? err).slice(0, 300))
    : err;
}
