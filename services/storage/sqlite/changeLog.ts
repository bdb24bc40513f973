/**
 * SQLite's side of the read cache (ChangeFeed): which scopes were changed since this process last
 * asked, by whoever committed. Triggers write every data table's changes into change_log
 * (migration 5); here they are read back, and old rows are pruned.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import type { ChangeFeed } from '../readCache';

const NOTHING: readonly string[] = Object.freeze([]);

/**
 * Reads through a connection of its own, which (a) sees this store's own commits in its
 * data_version exactly like anyone else's, so one path serves all writers, and (b) is never
 * inside one of the store's transactions, whose snapshot or uncommitted rows it must not read.
 */
export class SqliteChangeFeed implements ChangeFeed {
  private readonly watcher: Database.Database;
  private readonly dataVersion: Database.Statement;
  private readonly readLog: (lastSeen: number) => { rows: { seq: number; scope: string }[]; through: number };
  private version: unknown;
  /** The last change_log row this feed has reported. */
  private lastSeen: number;
  /** The WAL index (file-shm), whose header every commit rewrites; null where it cannot be read. */
  private readonly walIndex: number | null;
  private readonly header = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  private readonly lastHeader = Buffer.alloc(WAL_INDEX_HEADER_BYTES);

  constructor(file: string, busyTimeoutMs: number) {
    this.watcher = new Database(file, { fileMustExist: true, timeout: busyTimeoutMs });
    this.walIndex = openWalIndex(file);
    this.dataVersion = this.watcher.prepare('PRAGMA data_version').pluck();
    const since = this.watcher.prepare('SELECT seq, scope FROM change_log WHERE seq > ? ORDER BY seq');
    const prunedThrough = this.watcher.prepare('SELECT through FROM change_log_pruned').pluck();
    this.readLog = this.watcher.transaction((lastSeen: number) => ({
      rows: since.all(lastSeen) as { seq: number; scope: string }[],
      through: Number(prunedThrough.get()),
    }));
    this.version = this.dataVersion.get();
    const start = this.watcher
      .prepare(
        'SELECT max(coalesce((SELECT max(seq) FROM change_log), 0), (SELECT through FROM change_log_pruned))',
      )
      .pluck()
      .get();
    this.lastSeen = Number(start);
  }

  /**
   * data_version first (2–5 µs, asked on every lookup): it changes with every commit to the file
   * by any other connection, this store's included. Only then the log, in one snapshot with the
   * pruning mark; in this order a commit landing between the two is either in the rows read or
   * changes data_version again for the next call.
   */
  changes(): readonly string[] | 'everything' {
    if (this.walIndex !== null) {
      // The cheaper look first (one pread, about 1 µs against 4–5 for the pragma under load): a
      // commit by anyone rewrites the WAL index header, so the same bytes as last time mean no
      // commit since. Read before data_version, so a commit after this read changes it again.
      fs.readSync(this.walIndex, this.header, 0, WAL_INDEX_HEADER_BYTES, 0);
      if (this.header.equals(this.lastHeader)) return NOTHING;
      this.header.copy(this.lastHeader);
    }
    const version = this.dataVersion.get();
    if (version === this.version) return NOTHING;
    this.version = version;
    const { rows, through } = this.readLog(this.lastSeen);
    const seenBefore = this.lastSeen;
    if (rows.length > 0) this.lastSeen = rows[rows.length - 1].seq;
    if (through > seenBefore) {
      // Rows this feed never read were pruned: which scopes they changed is lost.
      this.lastSeen = Math.max(this.lastSeen, through);
      return 'everything';
    }
    return rows.map((r) => r.scope);
  }

  close(): void {
    if (this.walIndex !== null) fs.closeSync(this.walIndex);
    this.watcher.close();
  }
}

/**
 * The first copy of the WAL index header (https://www.sqlite.org/walformat.html, "the WAL-index
 * header"): its change counter, last frame and checksums change with every commit to the database,
 * by any connection in any process, and with every reset of the WAL.
 */
const WAL_INDEX_HEADER_BYTES = 48;

/** The -shm file the watcher's WAL connection keeps open (so it stays the live index), or null. */
function openWalIndex(file: string): number | null {
  try {
    return fs.openSync(`${file}-shm`, 'r');
  } catch {
    return null; // not found (not in WAL mode): every look asks the pragma
  }
}

export interface ChangeLogPruning {
  /** How many of the newest rows are kept (default 10,000, about 1 MB). */
  keep?: number;
  /** Prune in every how many-th write of this store (default 100). */
  every?: number;
}

/**
 * Keeps the log short. Runs inside a write transaction of the store (it holds the write lock
 * anyway), every `every` commits of this store. Correctness does not depend on it: a process
 * that has not looked at the log since before the pruned rows drops its whole cache once
 * (SqliteChangeFeed), so `keep` only decides how long an idle process may stay away and keep
 * its cache. 10,000 rows are some minutes of a busy bot's writes (a turn that writes changes
 * one to four rows); a process serving turns looks at every lookup.
 */
export class ChangeLogPruner {
  private readonly keep: number;
  private readonly every: number;
  private readonly newest: Database.Statement;
  private readonly prunedThrough: Database.Statement;
  private readonly forget: Database.Statement;
  private readonly mark: Database.Statement;

  constructor(db: Database.Database, options: ChangeLogPruning = {}) {
    this.keep = options.keep ?? 10_000;
    this.every = options.every ?? 100;
    this.newest = db.prepare('SELECT max(seq) FROM change_log').pluck();
    this.prunedThrough = db.prepare('SELECT through FROM change_log_pruned').pluck();
    this.forget = db.prepare('DELETE FROM change_log WHERE seq <= ?');
    this.mark = db.prepare('UPDATE change_log_pruned SET through = ?');
  }

  /** Called inside the store's `writeNumber`-th write transaction, before COMMIT. */
  maybePrune(writeNumber: number): void {
    if (writeNumber % this.every !== 0) return;
    const through = Number(this.newest.get() ?? 0) - this.keep;
    if (through <= Number(this.prunedThrough.get())) return;
    // One transaction: no reader sees the rows gone without the mark.
    this.mark.run(through);
    this.forget.run(through);
  }
}
