/**
 * The server store: PostgreSQL through a pg pool, for several bot instances on one database.
 *
 * A write unit of work runs SERIALIZABLE. When it raced another unit (40001) or deadlocked
 * (40P01) PostgreSQL rolls it back and the store runs it again, a bounded number of times, on
 * fresh data: this is why units of work may run more than once (Store.transaction's contract).
 * So an instance that chose a benefit whose last incident another instance just took chooses
 * again and gets the next eligible benefit, not a false "no incidents left" (R11, R14).
 *
 * Reads run in a REPEATABLE READ READ ONLY snapshot. `readCached` keeps reads in this instance's
 * memory until a commit by any instance changes what they read: the change log's feed
 * (changeFeed.ts) tells every lookup what was committed since the previous one.
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
import { asUnavailable, connectionSpent } from './connectionFaults';
import { connectionConfig, type ConnectionOptions } from './connections';
import { ReadCache } from '../readCache';
import { PostgresChangeFeed, pruneChangeLog } from './changeFeed';
import { isRetryable, Statements } from './statements';

export interface PostgresStoreOptions extends ConnectionOptions {
  /** Connections this instance keeps to the server (default 10). */
  poolSize?: number;
  /** How many times a unit of work runs at most when it keeps racing others (default 30). */
  maxAttempts?: number;
  /** Told when the pool loses an idle connection (the server restarted, the network dropped). */
  onConnectionError?: (err: DatabaseUnavailableError) => void;
  /** Keep readCached results until a commit changes what they read (default on; READ_CACHE=off). */
  readCache?: boolean;
  /** About this many bytes of cached reads at most (READ_CACHE_MB). */
  readCacheBytes?: number;
  /** The change log keeps the newest `keep` rows (default 10,000), pruned every `every` writes of this store (default 100). */
  changeLog?: { keep?: number; every?: number };
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
    private readonly cache: ReadCache | null,
    private readonly feed: PostgresChangeFeed | null,
    private readonly changeLog: { keep: number; every: number },
    /** The store's queries, compiled for PostgreSQL once. */
    private readonly queries: StoreQueries,
  ) {}

  /** Connects, brings the schema up to date (once across instances, under an advisory lock) and returns the store. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    // A migration may rightly take longer (and wait for another instance's): a pool of its own, no time limit.
    const migrating = new pg.Pool({
      ...connectionConfig(url, { ...options, statementTimeoutMs: null }),
      max: 2,
    });
    try {
      await migratePostgres(new Kysely<unknown>({ dialect: new PostgresDialect({ pool: migrating }) }));
    } finally {
      await migrating.end().catch(() => undefined);
    }
    const pool = new pg.Pool({
      ...connectionConfig(url, options),
      max: options.poolSize ?? 10,
      types: typeParsers(),
    });
    // An idle connection that dies must not become an uncaught 'error' event; the pool replaces it.
    pool.on('error', (err) =>
      options.onConnectionError?.(asUnavailable(err, 'connection lost') as DatabaseUnavailableError),
    );
    // Every lookup waits for the feed: a server that does not answer is given up on sooner than a
    // unit of work's statements (the lookup then reads uncached, and fails or succeeds as the read does).
    const feedConnection = { ...options, connectTimeoutMs: 2_000, statementTimeoutMs: 1_000 };
    const feed = (options.readCache ?? true) ? new PostgresChangeFeed(url, feedConnection) : null;
    try {
      await feed?.start();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    const cache = feed ? new ReadCache(feed, options.readCacheBytes) : null;
    const changeLog = { keep: options.changeLog?.keep ?? 10_000, every: options.changeLog?.every ?? 100 };
    const queries = compileStoreQueries('postgres');
    return new PostgresStore(pool, options.maxAttempts ?? 30, cache, feed, changeLog, queries);
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.track(this.write(work));
  }

  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.track(this.once('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work));
  }

  readCached<T>(key: string, scopes: readonly string[], work: (tx: StoreTx) => Promise<T>): Promise<T> {
    // Uncached (READ_CACHE=off), frozen like a cached answer so callers behave the same.
    return this.cache ? this.cache.get(key, scopes, () => this.read(work)) : this.read(work).then(deepFreeze);
  }

  get commits(): number {
    return this.writes;
  }

  /** How many reads are kept now (benchmarks, tests). */
  get cachedReads(): number {
    return this.cache?.size ?? 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.running]);
    await this.feed?.close();
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
      // Outside the unit of work, not awaited: a failed pruning only leaves the log longer.
      if (++this.writes % this.changeLog.every === 0)
        void this.track(pruneChangeLog(this.pool, this.changeLog.keep).catch(() => undefined));
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
      // A connection that died or hangs would only fail (or hang) the ROLLBACK too: it is thrown away.
      const spent = [statements.lost, err].find(connectionSpent);
      if (spent || died.error) broken = spent ?? died.error;
      else
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
