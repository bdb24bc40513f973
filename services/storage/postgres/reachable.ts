/**
 * "Database unreachable at start": one connection attempt with pg, and when it fails one clear
 * line naming DATABASE_URL, with the password redacted, for the entry point to print before it
 * exits non-zero.
 */
import { newClient } from './connections';
import { redactDatabaseUrl, withoutPassword } from './databaseUrl';

export interface ReachableOptions {
  /** How long to wait for the server to accept and answer (ms). */
  timeoutMs?: number;
  /** The login's password when it is not DATABASE_URL's (an Entra token). */
  password?: () => Promise<string>;
}

/** Null when the server accepts a connection and answers `SELECT 1`; otherwise the line to print. */
export async function databaseUnreachableLine(
  url: string,
  options: ReachableOptions = {},
): Promise<string | null> {
  const client = newClient(url, {
    connectTimeoutMs: options.timeoutMs ?? 10_000,
    password: options.password,
  });
  // A server that drops the connection later must not become an uncaught 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason = `${err instanceof Error ? err.message : String(err)}${typeof code === 'string' && !String(err).includes(code) ? ` (${code})` : ''}`;
    return withoutPassword(
      `DATABASE_URL: cannot reach the database at ${redactDatabaseUrl(url)}: ${reason.replace(/\s+/g, ' ').trim() || 'no reason given'}`,
      url,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
