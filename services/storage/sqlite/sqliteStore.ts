/**
 * The embedded default store: one SQLite file, put together from its parts: the migration
 * runner (migrate.ts), the repositories shared with PostgreSQL (../queries/storeRepositories.ts)
 * on this connection's prepared statements (sqliteExecutor.ts), the queue of units of work
 * (transactions.ts) and the read cache (../readCache.ts) fed by the change log (changeLog.ts).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { ReadCache } from '../readCache';
import type { Store, StoreTx } from '../repositories';
import { ChangeLogPruner, SqliteChangeFeed, type ChangeLogPruning } from './changeLog';
import { migrate } from './migrate';
import { MIGRATIONS, type Migration } from './migrations';
import { storeRepositories } from '../queries/storeRepositories';
import { SqliteExecutor } from './sqliteExecutor';
import { TransactionQueue } from './transactions';

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  migrations?: readonly Migration[];
  /** Keep readCached results until a commit changes what they read (default on; READ_CACHE=off for benchmarks). */
  readCache?: boolean;
  /** The most heap the cached reads may hold, estimated, in bytes; the least recently used go first (READ_CACHE_MB). */
  readCacheBytes?: number;
  /** How the change log is kept short (tests prune early). */
  changeLog?: ChangeLogPruning;
  /**
   * FULL (default): in WAL mode every COMMIT syncs the WAL to disk before it returns, so an
   * acknowledged incident or activation survives power loss. NORMAL syncs only at checkpoints
   * and can lose the last commits on power loss (never on a process crash); benchmarks only.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

export class SqliteStore implements Store {
  private constructor(
    readonly db: Database.Database,
    private readonly readerDb: Database.Database,
    private readonly units: TransactionQueue,
    private readonly cache: ReadCache | null,
    private readonly feed: SqliteChangeFeed | null,
  ) {}

  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const busyTimeoutMs = options.busyTimeoutMs ?? 15_000;
    const db = new Database(file, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations ?? MIGRATIONS);
    const pruner = new ChangeLogPruner(db, options.changeLog);
    const writer = new SqliteExecutor(db);
    // An in-memory database is private to its connection: there, reads share the writer's.
    const readerDb =
      file === ':memory:'
        ? db
        : new Database(file, { fileMustExist: true, readonly: true, timeout: busyTimeoutMs });
    const reader = readerDb === db ? writer : new SqliteExecutor(readerDb, writer.q);
    const units = new TransactionQueue(
      db,
      storeRepositories(writer),
      { db: readerDb, tx: storeRepositories(reader) },
      (n) => pruner.maybePrune(n),
    );
    // An in-memory database has no second connection to watch it with: it is read uncached.
    const feed =
      (options.readCache ?? true) && file !== ':memory:' ? new SqliteChangeFeed(file, busyTimeoutMs) : null;
    const cache = feed ? new ReadCache(feed, options.readCacheBytes) : null;
    return new SqliteStore(db, readerDb, units, cache, feed);
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.units.write(work);
  }

  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.units.read(work);
  }

  readCached<T>(key: string, scopes: readonly string[], work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.cache ? this.cache.get(key, scopes, () => this.read(work)) : this.read(work);
  }

  get commits(): number {
    return this.units.commits;
  }

  /** How many reads are kept now (benchmarks, tests). */
  get cachedReads(): number {
    return this.cache?.size ?? 0;
  }

  /** The estimated heap the kept reads hold (benchmarks, tests). */
  get cachedReadBytes(): number {
    return this.cache?.bytes ?? 0;
  }

  async close(): Promise<void> {
    await this.units.idle();
    this.feed?.close();
    if (this.readerDb !== this.db) this.readerDb.close();
    this.db.close();
  }
}
