/**
 * The query plans of what a question turn runs: the bot is started in this process on the given
 * database, one person asks a question over HTTP, and every SQL statement executed during that turn
 * is recorded (better-sqlite3's Statement methods are wrapped for the duration) with its
 * parameters; then EXPLAIN QUERY PLAN of each, with the same parameters, on the same file.
 * A plan that scans a table ("SCAN incidents") instead of searching an index is what grows with
 * the database.
 */
import Database from 'better-sqlite3';
import { startApp } from '../bot/app';
import { createLogger } from '../bot/logger';
import { loadConfig } from '../services/config';

type Method = 'get' | 'all' | 'run' | 'iterate';

export interface Plan {
  sql: string;
  plan: string[];
  /** A full scan of a table (not of a handful of rows through an index). */
  scans: boolean;
}

export async function questionTurnPlans(database: string, body: string): Promise<Plan[]> {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<
    Method,
    (...a: unknown[]) => unknown
  >;
  probe.close();
  const seen = new Map<string, unknown[]>();
  let recording = false;
  const originals = new Map<Method, (...a: unknown[]) => unknown>();
  for (const m of ['get', 'all', 'run', 'iterate'] as Method[]) {
    const original = proto[m];
    originals.set(m, original);
    proto[m] = function (this: { source: string }, ...args: unknown[]) {
      if (recording && !seen.has(this.source) && !/^\s*PRAGMA/i.test(this.source))
        seen.set(this.source, args);
      return original.apply(this, args);
    };
  }
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: database,
    LOG_LEVEL: 'warn',
    ALERTS_ENABLED: 'false',
  });
  const app = await startApp(
    config,
    createLogger('error', () => undefined),
  );
  try {
    recording = true;
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await res.text();
    recording = false;
  } finally {
    recording = false;
    await app.close();
    for (const [m, original] of originals) proto[m] = original;
  }
  const db = new Database(database, { readonly: true });
  try {
    return [...seen].map(([sql, args]) => {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map(
        (r) => r.detail,
      );
      return {
        sql: sql.replace(/\s+/g, ' ').trim(),
        plan,
        // json_each is the bound list of keys being walked (a parameter), not a stored table.
        scans: plan.some((d) => /^SCAN (?!CONSTANT|json_each )/.test(d)),
      };
    });
  } finally {
    db.close();
  }
}
