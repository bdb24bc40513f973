/**
 * The server store: PostgreSQL through a pg pool, for several bot instances on one database.
 *
 * A write unit of work runs SERIALIZABLE. When it raced another unit (40001) or deadlocked
 * (40P01) PostgreSQL rolls it back and the store runs it again, a bounded number of times, on
 * fresh data: this is why units of work may run more than once (Store.transaction's contract).
 * So an instance that chose a benefit whose last incident another instance just took chooses
 * again and gets the next eligible benefit, not a false "no incidents left" (R11, R14).
 *
 * Reads run in a REPEATABLE READ READ ONLY snapshot. `readCached` is not cached here: a cache
 * shared by several instances needs every instance to hear of the others' commits (LISTEN/NOTIFY
 * feeding a ChangeFeed, ../readCache.ts), which is not built yet, and a cache without it could
 * answer older than the database.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { deepFreeze } from '../../domain/freeze';
import type { Store, StoreTx } from '../repositories';
import type { DatabaseUnavailableError } from '../unavailable';
import { compileStoreQueries, type StoreQueries } from '../queries/storeQueries';
import { storeRepositories } from '../queries/storeRepositories';
import { PostgresExecutor } from './postgresExecutor';
import { migratePostgres } from './schema/migrate';
import { asUnavailable } from './connectionFaults';
import { isRetryable, Statements } from './statements';

export interface PostgresStoreOptions {
  /** Connections this instance keeps to the server (default 10). */
  poolSize?: number;
  /** How many times a unit of work runs at most when it keeps racing others (default 30). */
  maxAttempts?: number;
  /** How long to wait for a new connection before the unit of work fails (default 10 s). */
  connectTimeoutMs?: number;
  /** Told when the pool loses an idle connection (the server restarted, the network dropped). */
  onConnectionError?: (err: DatabaseUnavailableError) => void;
}

const INT8 = 20;
const DATE = 1082;
const TIMESTAMPTZ = 1184;

/**
 * Rows as the domain types hold them: counts and identities as numbers (pg gives bigint as a
 * string), dates as 'YYYY-MM-DD' (pg would make a local-midnight Date), timestamps as ISO strings.
 */
function typeParsers(): pg.CustomTypesConfig {
  const timestamp = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (s: string) => Date;
  const own: Record<number, (s: string) => unknown> = {
    [INT8]: Number,
    [DATE]: (s) => s,
    [TIMESTAMPTZ]: (s) => timestamp(s).toISOString(),
  };
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      own[oid] ?? pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PostgresStore implements Store {
  private writes = 0;
  private readonly running = new Set<Promise<unknown>>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly maxAttempts: number,
    /** The store's queries, compiled for PostgreSQL once. */
    private readonly queries: StoreQueries,
  ) {}

  /** Connects, brings the schema up to date (once across instances, under an advisory lock) and returns the store. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      // A server that does not answer fails the turn after a while rather than holding it forever.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      // TCP keep-alive: a server that vanished without closing (a dropped network) is noticed.
      keepAlive: true,
      types: typeParsers(),
    });
    // An idle connection that dies must not become an uncaught 'error' event; the pool replaces it.
    pool.on('error', (err) =>
      options.onConnectionError?.(asUnavailable(err, 'connection lost') as DatabaseUnavailableError),
    );
    try {
      // Kysely only for its Migrator; destroying it would end the shared pool, so it is left to close().
      await migratePostgres(new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }));
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return new PostgresStore(pool, options.maxAttempts ?? 30, compileStoreQueries('postgres'));
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.track(this.write(work));
  }

  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.track(this.once('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work));
  }

  readCached<T>(_key: string, _scopes: readonly string[], work: (tx: StoreTx) => Promise<T>): Promise<T> {
    // Uncached (see the file's comment), frozen like a cached answer so callers behave the same.
    return this.read(work).then(deepFreeze);
  }

  get commits(): number {
    return this.writes;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.running]);
    await this.pool.end();
  }

  private async write<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.once('BEGIN ISOLATION LEVEL SERIALIZABLE', work).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        if (!('error' in outcome)) return outcome.value;
        if (!(outcome.error instanceof MustRetry) || attempt >= this.maxAttempts) {
          throw outcome.error instanceof MustRetry ? outcome.error.original : outcome.error;
        }
        // Full jitter, capped: racing units of work spread out instead of colliding again.
        await pause(Math.random() * Math.min(100, 2 ** attempt));
      }
    } finally {
      this.writes++;
    }
  }

  /**
   * One run of a unit of work in its own transaction; MustRetry when PostgreSQL asked for another
   * run, DatabaseUnavailableError when the server could not be reached or the connection died
   * (not retried here: when it died at COMMIT, whether the work was committed is unknown).
   */
  private async once<T>(begin: string, work: (tx: StoreTx) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw asUnavailable(err);
    }
    // A connection that dies while checked out (between statements) emits 'error' on the client,
    // which the pool only listens to while it is idle: unheard, it would end the process.
    const died: { error: Error | null } = { error: null };
    const onLost = (err: Error) => (died.error = err);
    client.on('error', onLost);
    const statements = new Statements(client);
    let broken: unknown = null;
    try {
      await client.query(begin);
      let result: T;
      try {
        result = await work(storeRepositories(new PostgresExecutor(this.queries, statements)));
      } catch (err) {
        throw statements.mustRetry || isRetryable(err) ? new MustRetry(err) : err;
      }
      // The work swallowed a serialization failure: the transaction is aborted, run it again.
      if (statements.mustRetry) throw new MustRetry(new Error('unit of work hid a serialization failure'));
      if (statements.lost) throw statements.lost;
      try {
        await client.query('COMMIT');
      } catch (err) {
        // SERIALIZABLE may refuse at COMMIT too.
        throw isRetryable(err) ? new MustRetry(err) : err;
      }
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError; // the connection is unusable: do not give it back to the pool
      });
      // The work may have turned a dead connection into an error of its own: the cause is what counts.
      if (err instanceof MustRetry) throw err;
      const cause = statements.lost ?? died.error;
      throw cause ? asUnavailable(cause, 'connection lost') : asUnavailable(err);
    } finally {
      client.removeListener('error', onLost);
      // A dead client is destroyed, never returned to the pool for the next unit of work.
      const dead = died.error ?? (broken instanceof Error ? broken : undefined);
      client.release(dead);
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    const forget = () => this.running.delete(p);
    p.then(forget, forget);
    return p;
  }
}

/** PostgreSQL rolled the unit of work back for racing another one: run it again. */
class MustRetry extends Error {
  constructor(readonly original: unknown) {
    super('serialization failure');
  }
}
