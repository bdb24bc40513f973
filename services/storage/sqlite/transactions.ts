/**
 * Units of work on one better-sqlite3 connection. better-sqlite3 is synchronous: a write unit
 * holds `BEGIN IMMEDIATE` (the database write lock, across processes) for its whole duration,
 * and units of work of this connection are queued so that no other caller's statements can run
 * inside an open transaction while its work awaits.
 */
import type Database from 'better-sqlite3';
import type { StoreTx } from '../repositories';

export class TransactionQueue {
  private queue: Promise<unknown> = Promise.resolve();
  /** Write units of work run on this connection (Store.commits). */
  private writes = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly tx: StoreTx,
    /** Runs inside each write unit, after its work and before COMMIT, with the unit's number. */
    private readonly beforeCommit: (writeNumber: number) => void = () => undefined,
  ) {}

  write<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.run('BEGIN IMMEDIATE', work));
  }

  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.run('BEGIN', work));
  }

  get commits(): number {
    return this.writes;
  }

  /** Resolves when every queued unit of work has finished. */
  idle(): Promise<unknown> {
    return this.queue;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run<T>(begin: string, work: (tx: StoreTx) => Promise<T>): Promise<T> {
    const writing = begin !== 'BEGIN';
    this.db.exec(begin);
    try {
      const result = await work(this.tx);
      if (writing) this.beforeCommit(this.writes + 1);
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    } finally {
      if (writing) this.writes++;
    }
  }
}
