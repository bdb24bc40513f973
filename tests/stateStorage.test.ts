/** botbuilder's Storage contract on the product database: eTag concurrency like MemoryStorage. */
import { expect } from 'chai';
import { DatabaseStorage } from '../bot/stateStorage';
import { systemClock } from '../services/domain/clock';
import { StateConflictError } from '../services/storage/repositories';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { tempDbPath } from './helpers/fixtures';

describe('DatabaseStorage (dialog state in the database)', () => {
  let store: SqliteStore;
  let storage: DatabaseStorage;
  beforeEach(() => {
    store = SqliteStore.open(tempDbPath());
    storage = new DatabaseStorage(store, systemClock);
  });
  afterEach(() => store.close());

  it('writes, reads back with an eTag, and deletes', async () => {
    await storage.write({ 'conv/user': { dialogStack: [{ id: 'incidentDialog' }] } });
    const read = await storage.read(['conv/user', 'missing']);
    expect(Object.keys(read)).to.deep.equal(['conv/user']);
    expect(read['conv/user'].dialogStack).to.deep.equal([{ id: 'incidentDialog' }]);
    expect(read['conv/user'].eTag).to.be.a('string').with.length.greaterThan(0);
    await storage.delete(['conv/user']);
    expect(await storage.read(['conv/user'])).to.deep.equal({});
  });

  it('a write with a stale eTag is refused and changes nothing; "*" always writes', async () => {
    await storage.write({ k: { n: 1 } });
    const first = (await storage.read(['k'])).k;
    await storage.write({ k: { ...first, n: 2 } }); // current eTag: accepted
    let conflict: unknown;
    await storage.write({ k: { ...first, n: 3 } }).catch((err) => (conflict = err)); // stale eTag
    expect(conflict).to.be.instanceOf(StateConflictError);
    expect((await storage.read(['k'])).k.n).to.equal(2);
    await storage.write({ k: { n: 4, eTag: '*' } });
    expect((await storage.read(['k'])).k.n).to.equal(4);
  });

  it('state survives reopening the database file (a restart)', async () => {
    const file = tempDbPath();
    const a = SqliteStore.open(file);
    await new DatabaseStorage(a, systemClock).write({ k: { step: 3 } });
    await a.close();
    const b = SqliteStore.open(file);
    try {
      expect((await new DatabaseStorage(b, systemClock).read(['k'])).k.step).to.equal(3);
    } finally {
      await b.close();
    }
  });
});
