/**
 * Group commit on SQLite (services/storage/sqlite/transactions.ts): write units that start in the
 * same turn of the event loop share one COMMIT, each answered only once that COMMIT has
 * returned; a failing unit leaves the others in. Commits are counted in the WAL file itself
 * (a frame that ends a transaction records the database size), so the count is SQLite's, not ours.
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { tempDbPath } from './helpers/fixtures';
import { commitsInWal } from './helpers/walCommits';

const AT = '2026-06-15T10:00:00.000Z';

describe('group commit (SQLite)', () => {
  let file: string;
  let store: SqliteStore;

  beforeEach(() => {
    file = tempDbPath();
    store = SqliteStore.open(file);
    // No checkpoint may reset the WAL while its commits are counted.
    store.db.pragma('wal_autocheckpoint = 0');
  });

  afterEach(async () => {
    await store.close();
  });

  const write = (key: string) => store.transaction((tx) => tx.state.write(key, { key }, null, AT));

  it('units started together share one COMMIT; units awaited one by one commit each', async () => {
    const before = commitsInWal(file);
    await Promise.all(Array.from({ length: 40 }, (_, i) => write(`together-${i}`)));
    const together = commitsInWal(file) - before;
    expect(together).to.equal(1);

    for (let i = 0; i < 5; i++) await write(`alone-${i}`);
    expect(commitsInWal(file) - before - together).to.equal(5);

    const rows = await store.read((tx) => tx.state.read([...Array(40).keys()].map((i) => `together-${i}`)));
    expect(rows.size).to.equal(40);
    expect(store.commits).to.equal(45); // units of work, as before: one per transaction() call
  });

  it('answers a unit only after its COMMIT: another connection sees the row when the promise resolves', async () => {
    const other = new Database(file, { readonly: true });
    try {
      const seen = (key: string) =>
        other.prepare('SELECT count(*) FROM bot_state WHERE key = ?').pluck().get(key) as number;
      const answered = await Promise.all(
        ['a', 'b', 'c'].map((key) => write(key).then(() => ({ key, visible: seen(key) }))),
      );
      expect(answered).to.deep.equal([
        { key: 'a', visible: 1 },
        { key: 'b', visible: 1 },
        { key: 'c', visible: 1 },
      ]);
    } finally {
      other.close();
    }
  });

  it('a failing unit is rolled back alone; the units around it in the same group commit', async () => {
    const before = commitsInWal(file);
    const failing = store.transaction(async (tx) => {
      await tx.state.write('failing', { half: true }, null, AT);
      throw new Error('this unit fails after its first write');
    });
    const results = await Promise.allSettled([write('first'), failing, write('last')]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(commitsInWal(file) - before).to.equal(1);
    const rows = await store.read((tx) => tx.state.read(['first', 'failing', 'last']));
    expect([...rows.keys()].sort()).to.deep.equal(['first', 'last']);
  });

  it('when SQLite rolls the whole transaction back, no unit of the group is answered as committed', async () => {
    const results = await Promise.allSettled([
      write('before'),
      store.transaction(async () => {
        // What SQLite does itself on an I/O error or a full disk: the whole transaction goes.
        store.db.exec('ROLLBACK');
        throw new Error('disk I/O error');
      }),
      write('after'),
    ]);
    expect(results[0].status).to.equal('rejected');
    expect(results[1].status).to.equal('rejected');
    // The unit after the failure starts a group of its own.
    expect(results[2].status).to.equal('fulfilled');
    const rows = await store.read((tx) => tx.state.read(['before', 'after']));
    expect([...rows.keys()]).to.deep.equal(['after']);
  });

  it('reads never see a group before its COMMIT', async () => {
    let readDuringGroup: number | undefined;
    const writing = store.transaction(async (tx) => {
      await tx.state.write('pending', { n: 1 }, null, AT);
      // A read asked while this unit's group is still open runs on the reader connection.
      readDuringGroup = (await store.read((r) => r.state.read(['pending']))).size;
    });
    await writing;
    expect(readDuringGroup).to.equal(0);
    expect((await store.read((tx) => tx.state.read(['pending']))).size).to.equal(1);
  });

  it('close() waits for an open group to commit', async () => {
    const pending = write('at-close');
    await store.close();
    await pending;
    const again = SqliteStore.open(file);
    try {
      expect((await again.read((tx) => tx.state.read(['at-close']))).size).to.equal(1);
    } finally {
      await again.close();
      store = SqliteStore.open(file); // afterEach closes one
    }
  });
});
