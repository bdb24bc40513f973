/**
 * What only the PostgreSQL store does (issue 11): units of work that raced another run again,
 * a bounded number of times; a unit that hides PostgreSQL's conflict error is still run again;
 * readCached answers what the database holds now, whatever another instance wrote; U+0000,
 * which PostgreSQL cannot store, does not fail a write.
 */
import { expect } from 'chai';
import { PostgresStore } from '../services/storage/postgres/postgresStore';
import { stateScope } from '../services/storage/scopes';
import { usePostgresDatabase } from './helpers/postgres';

const AT = '2026-06-15T09:00:00.000Z';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL store: what only it does', function () {
  this.timeout(60_000);
  const db = usePostgresDatabase();
  const stores: PostgresStore[] = [];
  const open = async (options: Parameters<typeof PostgresStore.open>[1] = {}) => {
    const store = await PostgresStore.open(db.url, options);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('two instances incrementing one value at once: both increments kept, the loser ran again', async () => {
    const [a, b] = [await open(), await open()];
    await a.transaction((tx) => tx.state.write('counter', { n: 0 }, null, AT));
    let runs = 0;
    const increment = (store: PostgresStore) =>
      store.transaction(async (tx) => {
        runs++;
        const n = Number((await tx.state.read(['counter'])).get('counter')?.data.n);
        await pause(50); // both have read before either writes
        await tx.state.write('counter', { n: n + 1 }, null, AT);
        return n + 1;
      });
    const results = await Promise.all([increment(a), increment(b)]);
    expect(results.sort()).to.deep.equal([1, 2]);
    expect(runs).to.be.greaterThan(2);
    expect((await a.read((tx) => tx.state.read(['counter']))).get('counter')?.data).to.deep.equal({ n: 2 });
    expect(a.commits + b.commits).to.equal(3); // one per unit of work, however many runs
  });

  it('a unit of work that catches the conflict and carries on is still run again, not committed', async () => {
    const [a, b] = [await open(), await open()];
    await a.transaction((tx) => tx.state.write('k', { n: 0 }, null, AT));
    let hidden = 0;
    const sneaky = (store: PostgresStore) =>
      store.transaction(async (tx) => {
        const n = Number((await tx.state.read(['k'])).get('k')?.data.n);
        await pause(50);
        try {
          await tx.state.write('k', { n: n + 1 }, null, AT);
        } catch {
          hidden++; // swallowed: the store must not COMMIT as if the write had happened
        }
      });
    await Promise.all([sneaky(a), sneaky(b)]);
    expect(hidden).to.be.greaterThan(0);
    expect((await a.read((tx) => tx.state.read(['k']))).get('k')?.data).to.deep.equal({ n: 2 });
  });

  it('retries are bounded: a unit of work that always conflicts fails with the conflict after maxAttempts runs', async () => {
    const store = await open({ maxAttempts: 3 });
    let runs = 0;
    const conflict = Object.assign(new Error('could not serialize access'), { code: '40001' });
    let failure: unknown;
    await store
      .transaction(async () => {
        runs++;
        throw conflict;
      })
      .catch((err: unknown) => (failure = err));
    expect(runs).to.equal(3);
    expect(failure).to.equal(conflict);
  });

  it('other errors are not retried and reach the caller unchanged', async () => {
    const store = await open();
    let runs = 0;
    const refusal = new Error('a rule refused');
    let failure: unknown;
    await store
      .transaction(async () => {
        runs++;
        throw refusal;
      })
      .catch((err: unknown) => (failure = err));
    expect(runs).to.equal(1);
    expect(failure).to.equal(refusal);
  });

  it('U+0000, which PostgreSQL text and jsonb cannot hold, is stored as U+FFFD instead of failing the write', async () => {
    const store = await open();
    const key = 'conv\u0000/user';
    await store.transaction((tx) =>
      tx.state.write(key, { draft: { title: 'a\u0000b', ['k\u0000']: ['c\u0000'] } }, null, AT),
    );
    const stored = await store.read((tx) => tx.state.read(['conv\ufffd/user']));
    expect(stored.get('conv\ufffd/user')?.data).to.deep.equal({
      draft: { title: 'a\ufffdb', ['k\ufffd']: ['c\ufffd'] },
    });
    // Looked up by the key as sent, it is found too: the lookup's key is replaced the same way.
    expect((await store.read((tx) => tx.state.read([key]))).size).to.equal(1);
  });

  it('readCached across instances: another instance’s write is seen by the next read', async () => {
    const [a, b] = [await open(), await open()];
    await a.transaction((tx) => tx.state.write('seen', { v: 1 }, null, AT));
    const read = () =>
      a.readCached('seen', [stateScope('seen')], (tx) => tx.state.read(['seen'])).then((m) => m.get('seen'));
    expect((await read())?.data).to.deep.equal({ v: 1 });
    await b.transaction((tx) => tx.state.write('seen', { v: 2 }, null, AT));
    expect((await read())?.data).to.deep.equal({ v: 2 });
    expect(Object.isFrozen(await read())).to.equal(true);
  });
});
