/**
 * How every connection to the PostgreSQL server is made (the store's pool, the alert dispatcher's
 * lock, the read cache's change feed): the same address, timeouts and login.
 */
import pg from 'pg';

export interface ConnectionOptions {
  /** How long to wait for a new connection before giving up (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * The longest a statement may run (DATABASE_STATEMENT_TIMEOUT_MS, default 5 s): the server cancels
   * it then, and a server that does not answer at all (hung) is given up one second later, so a
   * turn is told the data can't be reached instead of waiting forever. null: no limit (migrations).
   */
  statementTimeoutMs?: number | null;
  /**
   * Each new connection's password, asked for as it logs in (DATABASE_AUTH=entra-…: a Microsoft
   * Entra token, services/storage/postgres/entraPassword.ts). Absent: DATABASE_URL's own.
   */
  password?: () => Promise<string>;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;

/** Settings for pg.Client and pg.Pool (with the pool's own on top). */
export function connectionConfig(url: string, options: ConnectionOptions): pg.PoolConfig {
  const statementTimeoutMs =
    options.statementTimeoutMs === undefined ? DEFAULT_STATEMENT_TIMEOUT_MS : options.statementTimeoutMs;
  return {
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // TCP keep-alive: a server that vanished without closing (a dropped network) is noticed.
    keepAlive: true,
    ...(statementTimeoutMs === null
      ? {}
      : // The server's own cancel comes first; the client's is for a server that does not answer at all.
        { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + 1_000 }),
    ...(options.password ? { Client: clientWithPassword(options.password) } : {}),
  };
}

export function newClient(url: string, options: ConnectionOptions): pg.Client {
  const { Client = pg.Client, ...config } = connectionConfig(url, options);
  return new (Client as typeof pg.Client)(config);
}

/**
 * pg takes the password from the connection string even when it is empty there (it must be, with
 * a token), so each new client asks for its password itself, before it opens its socket: a
 * credential that fails leaves no half-open login waiting at the server.
 */
function clientWithPassword(password: () => Promise<string>): typeof pg.Client {
  return class extends pg.Client {
    // pg.Pool connects with a callback, pg.Client's users with a promise: both are kept.
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
      const ready = password().then((value) => void (this.password = value));
      if (!callback) return ready.then(() => super.connect());
      ready.then(
        () => super.connect(callback),
        (err: Error) => callback(err),
      );
    }
  };
}
