/**
 * Cached reads (Store.readCached) on both engines: kept only while the database is unchanged, by
 * this store or any other (two stores on one database stand for two bot instances, or the bot and
 * the admin CLI), so a cached answer is never older than the database.
 */
import { expect } from 'chai';
import { DatabaseStorage } from '../bot/stateStorage';
import { fixedClock, systemClock } from '../services/domain/clock';
import { createServices } from '../services/index';
import { PostgresStore } from '../services/storage/postgres/postgresStore';
import type { Store } from '../services/storage/repositories';
import { organisationScope, peopleScope, stateScope } from '../services/storage/scopes';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { engineWorld, forEachEngine, type EngineWorld } from './helpers/engines';
import { incidentInput, offer, TENANT, USERS, who } from './helpers/fixtures';
import { plainSql } from './helpers/plainSql';

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

const renameMember = (address: string, name: string) =>
  plainSql(
    address,
    'UPDATE users SET name = ? WHERE tenant_id = ? AND aad_object_id = ?',
    name,
    TENANT,
    USERS.member,
  );

forEachEngine('cached reads (READ_CACHE)', function (engine) {
  this.timeout(30_000);
  let w: EngineWorld;
  let other: Store | null = null;
  beforeEach(async () => {
    w = await engineWorld(engine, [offer('gold-x', 'gold', 'Security')]);
  });
  afterEach(async () => {
    await other?.close();
    other = null;
    await w.close();
  });

  /** A cached read of the organisation's people, or (benefits) of its benefits, which its incidents change. */
  const countingRead = (store: Store, key = 'users', what: 'users' | 'benefits' = 'users') => {
    let reads = 0;
    const read = () =>
      store.readCached(
        key,
        [what === 'users' ? peopleScope(TENANT) : organisationScope(TENANT)],
        async (tx) => {
          reads++;
          return what === 'users' ? tx.users.list(TENANT) : tx.benefits.list(TENANT);
        },
      );
    return { read, reads: () => reads };
  };

  it('a repeated read is answered from memory, deeply frozen', async () => {
    const users = countingRead(w.store);
    const first = await users.read();
    const second = await users.read();
    expect(users.reads()).to.equal(1);
    expect(second).to.equal(first);
    expect(isDeeplyFrozen(first)).to.equal(true);
    expect(() => {
      (first[0] as { name: string }).name = 'changed';
    }).to.throw(TypeError);
  });

  it('a cached Map (dialog state entries) has its entries frozen too', async () => {
    const storage = new DatabaseStorage(w.store, systemClock);
    await storage.write({ 'conv/user': { dialogStack: [] } });
    const entries = await w.store.readCached('state', [stateScope('conv/user')], (tx) =>
      tx.state.read(['conv/user']),
    );
    expect(isDeeplyFrozen(entries.get('conv/user'))).to.equal(true);
  });

  it('a commit by this store to the organisation drops it: the next benefits view shows the incident just opened', async () => {
    const before = await w.services.benefits.view(who('member'));
    const again = await w.services.benefits.view(who('member'));
    // Cached: both parts are the very objects kept (the view itself is put together each call).
    expect(again.offers).to.equal(before.offers);
    expect(again.user).to.equal(before.user);
    expect(isDeeplyFrozen(again)).to.equal(true);
    await w.services.incidents.open(who('member'), incidentInput('onPremises'));
    const after = await w.services.benefits.view(who('member'));
    const used = (v: typeof before) => v.offers[0].benefits.find((b) => b.type === 'productSupport')!.used;
    expect(used(after)).to.equal(used(before) + 1);
  });

  it('a commit by another store (another bot instance, the admin CLI) or plain SQL drops it', async () => {
    const viewBefore = await w.services.benefits.view(who('member'));
    expect(viewBefore.user.name).to.equal('member');
    other = await engine.open(w.address);
    await createServices(other, w.clock).incidents.open(who('member'), incidentInput('cloud'));
    await renameMember(w.address, 'Renamed');

    const viewAfter = await w.services.benefits.view(who('member'));
    expect(viewAfter.user.name).to.equal('Renamed');
    const cloud = (v: typeof viewBefore) =>
      v.offers[0].benefits.find((b) => b.type === 'signatureCloudSupport')!.used;
    expect(cloud(viewAfter)).to.equal(cloud(viewBefore) + 1);
  });

  it('a read that overlaps another store’s commit is not kept: the next call reads again', async () => {
    other = await engine.open(w.address);
    let reads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = (wait: boolean) =>
      w.store.readCached('member-name', [peopleScope(TENANT)], async (tx) => {
        reads++;
        const user = await tx.users.get(TENANT, USERS.member);
        if (wait) await gate; // the other store commits while this snapshot is open
        return user?.name;
      });
    const pending = read(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await other.transaction(async (tx) => {
      const user = (await tx.users.get(TENANT, USERS.member))!;
      await tx.users.save({ ...user, name: 'Renamed' });
    });
    release();
    expect(await pending).to.equal('member'); // its snapshot predates the commit
    expect(await read(false)).to.equal('Renamed');
    expect(reads).to.equal(2);
  });

  it('a commit between two reads of one task, around every store, is seen by the second', async () => {
    // No timer between the reads, and the commit goes around every store: the engine must be
    // asked on each read (SQLite's data_version, PostgreSQL's snapshot), not remembered per task.
    const name = () =>
      w.store.readCached(
        'member-name',
        [peopleScope(TENANT)],
        async (tx) => (await tx.users.get(TENANT, USERS.member))?.name,
      );
    expect(await name()).to.equal('member');
    await renameMember(w.address, 'Renamed');
    expect(await name()).to.equal('Renamed');
  });

  it('two stores on different databases share nothing: one’s commits neither count nor drop the other’s cache', async () => {
    const second = await engineWorld(engine, [offer('gold-y', 'gold', 'Security')]);
    try {
      const benefits = countingRead(w.store, 'benefits', 'benefits');
      await benefits.read();
      const commitsBefore = w.store.commits;
      const secondBefore = second.store.commits;
      await second.services.incidents.open(who('member'), incidentInput('onPremises'));
      expect(second.store.commits).to.be.above(secondBefore);
      expect(w.store.commits, 'this store’s own commits only').to.equal(commitsBefore);
      await benefits.read();
      expect(benefits.reads(), 'still cached').to.equal(1);
      await w.services.incidents.open(who('member'), incidentInput('onPremises'));
      expect(w.store.commits).to.be.above(commitsBefore);
      await benefits.read();
      expect(benefits.reads(), 'its own commit drops it').to.equal(2);
    } finally {
      await second.close();
    }
  });

  it('the day is part of a benefits view: tomorrow’s view is read again', async () => {
    const today = await w.services.benefits.view(who('member'));
    const tomorrow = await createServices(w.store, fixedClock('2026-06-16T09:00:00Z')).benefits.view(
      who('member'),
    );
    expect(today.asOf).to.equal('2026-06-15');
    expect(tomorrow.asOf).to.equal('2026-06-16');
  });

  it('failures are not kept', async () => {
    let reads = 0;
    const failing = () =>
      w.store.readCached('failing', [], async () => {
        reads++;
        throw new Error('no');
      });
    await failing().catch(() => undefined);
    await failing().catch(() => undefined);
    expect(reads).to.equal(2);
  });

  it('with READ_CACHE=off every call reads the database', async () => {
    other =
      engine.name === 'SQLite'
        ? SqliteStore.open(w.address, { readCache: false })
        : await PostgresStore.open(w.address, { readCache: false });
    const users = countingRead(other);
    await users.read();
    await users.read();
    expect(users.reads()).to.equal(2);
  });

  it('dialog state comes from the cache as each turn’s own, changeable copy', async () => {
    const storage = new DatabaseStorage(w.store, systemClock);
    await storage.write({ 'conv/user': { dialogStack: [{ id: 'incidentDialog' }] } });
    const first = await storage.read(['conv/user']);
    (first['conv/user'].dialogStack as unknown[]).push({ id: 'changed by a turn' });
    const second = await storage.read(['conv/user']);
    expect(second['conv/user'].dialogStack).to.deep.equal([{ id: 'incidentDialog' }]);
  });
});
