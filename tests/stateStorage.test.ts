/** botbuilder's Storage contract on the product database: eTag concurrency like MemoryStorage, on both engines. */
import { expect } from 'chai';
import { DatabaseStorage } from '../bot/stateStorage';
import { systemClock } from '../services/domain/clock';
import { StateConflictError, type Store } from '../services/storage/repositories';
import { forEachEngine } from './helpers/engines';

forEachEngine('DatabaseStorage (dialog state in the database)', (engine) => {
  let store: Store;
  let storage: DatabaseStorage;
  const opened: Store[] = [];
  const open = async (address: string) => {
    const s = await engine.open(address);
    opened.push(s);
    return s;
  };
  beforeEach(async () => {
    store = await open(await engine.newDatabase());
    storage = new DatabaseStorage(store, systemClock);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('writes, reads back with an eTag, and deletes', async () => {
    await storage.write({ 'conv/user': { dialogStack: [{ id: 'incidentDialog' }] } });
    const read = await storage.read(['conv/user', 'missing']);
    expect(Object.keys(read)).to.deep.equal(['conv/user']);
    expect(read['conv/user'].dialogStack).to.deep.equal([{ id: 'incidentDialog' }]);
    expect(read['conv/user'].eTag).to.be.a('string').with.length.greaterThan(0);
    await storage.delete(['conv/user']);
    expect(await storage.read(['conv/user'])).to.deep.equal({});
  });

  it('each read is a copy of its own: changing one changes neither the stored state nor the next read', async () => {
    const state = {
      dialogStack: [
        { id: 'incident', state: { values: { draft: { title: 'Exchange down', tags: ['a', 'b'] } } } },
      ],
      focus: { benefitId: 'b1', at: 1_700_000_000_000, gone: null, flag: false },
      // A key JSON.parse keeps as a key: it must not become the copy's prototype.
      odd: JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>,
    };
    const stored = JSON.parse(JSON.stringify(state)) as unknown;
    await storage.write({ k: state });
    const first = (await storage.read(['k'])).k;
    const { eTag, ...data } = first;
    expect(eTag).to.be.a('string');
    expect(data).to.deep.equal(stored);
    expect(Object.keys(first.odd).sort()).to.deep.equal(['__proto__', 'x']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect((first.odd as { polluted?: unknown }).polluted).to.equal(undefined);
    first.dialogStack[0].state.values.draft.tags.push('changed');
    first.focus.benefitId = 'changed';
    const second = (await storage.read(['k'])).k;
    expect(second.dialogStack[0].state.values.draft.tags).to.deep.equal(['a', 'b']);
    expect(second.focus.benefitId).to.equal('b1');
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

  it('two instances writing over the same eTag at once: exactly one wins, the other gets a conflict (no lost update)', async () => {
    const address = await engine.newDatabase();
    // PostgreSQL: four stores with pools of their own. Two SQLite stores in one process would block
    // each other's synchronous lock waits: there the four share one store (its queue of units).
    const one = await open(address);
    const instances =
      engine.name === 'PostgreSQL'
        ? [one, ...(await Promise.all(Array.from({ length: 3 }, () => open(address))))]
        : [one, one, one, one];
    await new DatabaseStorage(instances[0], systemClock).write({ k: { n: 0 } });
    for (let round = 1; round <= 5; round++) {
      const seen = await Promise.all(instances.map((s) => new DatabaseStorage(s, systemClock).read(['k'])));
      const outcomes = await Promise.allSettled(
        instances.map((s, i) =>
          new DatabaseStorage(s, systemClock).write({ k: { ...seen[i].k, n: round, by: i } }),
        ),
      );
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      expect(won, `round ${round}`).to.have.length(1);
      for (const o of outcomes)
        if (o.status === 'rejected') expect(o.reason).to.be.instanceOf(StateConflictError);
      const after = (await new DatabaseStorage(instances[1], systemClock).read(['k'])).k;
      expect(after).to.include({ n: round, by: won[0] });
    }
  });

  it('state survives reopening the database (a restart)', async () => {
    const address = await engine.newDatabase();
    const a = await engine.open(address);
    await new DatabaseStorage(a, systemClock).write({ k: { step: 3 } });
    await a.close();
    const b = await open(address);
    expect((await new DatabaseStorage(b, systemClock).read(['k'])).k.step).to.equal(3);
  });
});
