/**
 * Units of work on better-sqlite3 connections. better-sqlite3 is synchronous: a write unit holds
 * the database write lock (across processes) for its whole duration, and the units of one
 * connection are queued so that no other caller's statements run inside an open transaction
 * while its work awaits.
 *
 * Group commit: write units that start in the same turn of the event loop share one
 * transaction, each inside its own savepoint, and one COMMIT (with synchronous = FULL, one fsync
 * of the WAL) when the loop comes round (setImmediate). No unit's caller hears of its result
 * before that COMMIT has returned, so an answered unit is as durable as before; a unit that fails
 * is rolled back to its savepoint and leaves the others in. Under load, the fsync that blocks the
 * loop lets requests pile up, which then share the next commit: the busier, the fewer fsyncs per
 * unit. Reads run on a connection of their own (`reads`), so they never see a group before its
 * COMMIT and never wait behind one.
 */
import type Database from 'better-sqlite3';
import type { StoreTx } from '../repositories';

/** A group is committed at once when it holds this many units (bounds what one failed COMMIT fails). */
const MAX_GROUP_UNITS = 64;

interface Group {
  units: number;
  /** Settles when the group's COMMIT has returned (or failed: every unit in it fails). */
  committed: Promise<void>;
  done: () => void;
  failed: (err: unknown) => void;
}

/** Transaction statements, prepared once (exec would parse them on every unit). */
class Control {
  readonly begin: Database.Statement;
  readonly commit: Database.Statement;
  readonly rollback: Database.Statement;

  constructor(
    readonly db: Database.Database,
    begin: string,
  ) {
    this.begin = db.prepare(begin);
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }
}

/** Runs units one at a time, in the order asked. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  idle(): Promise<unknown> {
    return this.tail;
  }
}

export class TransactionQueue {
  private readonly writer: Control;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;
  private readonly reader: Control;
  private readonly writeQueue = new Queue();
  private readonly readQueue = new Queue();
  private group: Group | null = null;
  /** Write units run on this connection (Store.commits). */
  private writes = 0;

  constructor(
    db: Database.Database,
    private readonly tx: StoreTx,
    /** A second connection to the same file and its repositories, for read units. */
    private readonly reads: { db: Database.Database; tx: StoreTx },
    /** Runs inside each write unit, after its work and before its savepoint is released, with the unit's number. */
    private readonly beforeCommit: (writeNumber: number) => void = () => undefined,
  ) {
    this.writer = new Control(db, 'BEGIN IMMEDIATE');
    this.savepoint = db.prepare('SAVEPOINT unit');
    this.release = db.prepare('RELEASE unit');
    this.rollbackTo = db.prepare('ROLLBACK TO unit');
    this.reader = new Control(reads.db, 'BEGIN');
  }

  async write<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    const { result, committed } = await this.writeQueue.run(() => this.inGroup(work));
    await committed;
    return result;
  }

  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    // One connection for both (an in-memory database): a read waits for the writes before it and
    // commits their group first, so that it never sees what is not committed.
    const shared = this.reader.db === this.writer.db;
    return (shared ? this.writeQueue : this.readQueue).run(async () => {
      if (shared && this.group) this.commit(this.group);
      const { db, begin, commit, rollback } = this.reader;
      begin.run();
      try {
        const result = await work(this.reads.tx);
        commit.run();
        return result;
      } catch (err) {
        if (db.inTransaction) rollback.run();
        throw err;
      }
    });
  }

  get commits(): number {
    return this.writes;
  }

  /** Resolves when every queued unit of work has finished and its group is committed. */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([this.writeQueue.idle(), this.readQueue.idle()]);
      const open = this.group;
      if (!open) return;
      await open.committed.catch(() => undefined);
    }
  }

  private async inGroup<T>(
    work: (tx: StoreTx) => Promise<T>,
  ): Promise<{ result: T; committed: Promise<void> }> {
    const group = this.group ?? this.open();
    group.units++;
    this.savepoint.run();
    try {
      const result = await work(this.tx);
      this.beforeCommit(this.writes + 1);
      this.release.run();
      if (group.units >= MAX_GROUP_UNITS) this.commit(group);
      return { result, committed: group.committed };
    } catch (err) {
      if (this.writer.db.inTransaction) {
        this.rollbackTo.run();
        this.release.run();
      } else if (this.group === group) {
        // SQLite rolled the whole transaction back (an I/O error, a full disk): the units before
        // this one are gone too, so they must not be answered as committed.
        this.group = null;
        group.failed(err);
      }
      throw err;
    } finally {
      this.writes++;
    }
  }

  /** BEGIN IMMEDIATE for a new group, and its COMMIT queued for when the event loop comes round. */
  private open(): Group {
    this.writer.begin.run();
    let done!: () => void;
    let failed!: (err: unknown) => void;
    const committed = new Promise<void>((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    // A group whose every unit failed has no one waiting on it.
    committed.catch(() => undefined);
    const group: Group = { units: 0, committed, done, failed };
    this.group = group;
    setImmediate(() => void this.writeQueue.run(async () => this.commit(group)));
    return group;
  }

  private commit(group: Group): void {
    if (this.group !== group) return; // committed already (full), or failed
    this.group = null;
    try {
      this.writer.commit.run();
      group.done();
    } catch (err) {
      if (this.writer.db.inTransaction) this.writer.rollback.run();
      group.failed(err);
    }
  }
}
