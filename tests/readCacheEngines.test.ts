/**
 * Cached reads on both engines (issue 11): two stores on one database stand for two bot
 * instances. A cached read is never older than the database, whoever committed (this store,
 * another instance, plain SQL), and a commit drops only the reads of the scopes it changed.
 * Counted through the stores' real reads.
 */
import { expect } from 'chai';
import { DatabaseStorage } from '../bot/stateStorage';
import { systemClock } from '../services/domain/clock';
import { createServices } from '../services/index';
import { importOrganisation } from '../services/organisations/importOrganisation';
import type { Store } from '../services/storage/repositories';
import { pruneChangeLog } from '../services/storage/postgres/changeFeed';
import { organisationScope } from '../services/storage/scopes';
import pg from 'pg';
import { engineWorld, forEachEngine, usePostgresEngine, type EngineWorld } from './helpers/engines';
import {
  activeBenefit,
  incidentInput,
  offer,
  orgDoc,
  OTHER_TENANT,
  TENANT,
  USERS,
  who,
} from './helpers/fixtures';
import { plainSql } from './helpers/plainSql';

const OFFERS = [offer('ap', 'actionPack', null, { productSupport: activeBenefit(0, 'AP') })];

/** How many reads reach the database (a cached answer reads nothing). */
function countReads(store: Store): () => number {
  let reads = 0;
  const read = store.read.bind(store);
  store.read = (work) => {
    reads++;
    return read(work);
  };
  return () => reads;
}

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

forEachEngine('cached reads across instances', function (engine) {
  this.timeout(30_000);
  let w: EngineWorld;
  let other: Store;
  let reads: () => number;
  beforeEach(async () => {
    w = await engineWorld(engine, OFFERS);
    await importOrganisation(w.store, w.clock, orgDoc(OFFERS, OTHER_TENANT));
    other = await engine.open(w.address); // another instance on the same database
    reads = countReads(w.store);
  });
  afterEach(async () => {
    await other.close();
    await w.close();
  });

  const viewA = () => w.services.benefits.view(who('member'));
  const viewB = () => w.services.benefits.view(who('member', OTHER_TENANT));
  const used = (v: Awaited<ReturnType<typeof viewA>>) => v.offers[0].benefits[0].used;
  const readsOf = async (fn: () => Promise<unknown>) => {
    const before = reads();
    await fn();
    return reads() - before;
  };
  const memberName = () =>
    w.store.readCached(
      'member-name',
      [organisationScope(TENANT)],
      async (tx) => (await tx.users.get(TENANT, USERS.member))?.name,
    );

  it('a repeated read is answered from memory, deeply frozen', async () => {
    const first = await viewA();
    expect(await readsOf(viewA)).to.equal(0);
    expect(await viewA()).to.equal(first);
    expect(isDeeplyFrozen(first)).to.equal(true);
  });

  it("another instance's incident in A drops A's view (the next read shows it) and keeps B's", async () => {
    const a = await viewA();
    const b = await viewB();
    await createServices(other, w.clock).incidents.open(who('member'), incidentInput('onPremises'));
    expect(await readsOf(viewB), "B's view stays cached").to.equal(0);
    expect(await viewB()).to.equal(b);
    expect(used(await viewA())).to.equal(used(a) + 1);
  });

  it('plain SQL on another connection between two reads of one task is seen by the second', async () => {
    await viewB();
    expect(await memberName()).to.equal('member');
    await plainSql(
      w.address,
      'UPDATE users SET name = ? WHERE tenant_id = ? AND aad_object_id = ?',
      'Renamed',
      TENANT,
      USERS.member,
    );
    expect(await memberName()).to.equal('Renamed');
    expect(await readsOf(viewB), "B's view stays cached").to.equal(0);
  });

  it('a read overlapping another instance’s commit is not kept, even when another lookup heard of it first', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pending = w.store.readCached('member-name', [organisationScope(TENANT)], async (tx) => {
      const user = await tx.users.get(TENANT, USERS.member);
      await gate; // the other instance commits while this snapshot is open
      return user?.name;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await other.transaction(async (tx) => {
      const user = (await tx.users.get(TENANT, USERS.member))!;
      await tx.users.save({ ...user, name: 'Renamed' });
    });
    // A lookup meanwhile hears of the commit to A (SQLite: at once; PostgreSQL: by its round trip).
    const b = viewB();
    release();
    expect(await pending).to.equal('member'); // its snapshot predates the commit
    await b;
    expect(await readsOf(async () => expect(await memberName()).to.equal('Renamed'))).to.equal(1);
  });

  it("a dialog step in conversation X drops X's state only", async () => {
    const storage = new DatabaseStorage(w.store, systemClock);
    const otherStorage = new DatabaseStorage(other, systemClock);
    const X = 'msteams/conversations/a:x/users/29:x';
    const Y = 'msteams/conversations/a:y/users/29:y';
    await storage.write({ [X]: { step: 1 }, [Y]: { step: 1 } });
    await storage.read([X]);
    await storage.read([Y]);
    const x = await otherStorage.read([X]);
    await otherStorage.write({ [X]: { ...x[X], step: 2 } });
    expect(await readsOf(() => storage.read([Y])), "Y's state stays cached").to.equal(0);
    expect((await storage.read([X]))[X].step).to.equal(2);
  });

  it('failures are not kept', async () => {
    let n = 0;
    const failing = () =>
      w.store.readCached('failing', [], async () => {
        n++;
        throw new Error('no');
      });
    await failing().catch(() => undefined);
    await failing().catch(() => undefined);
    expect(n).to.equal(2);
  });
});

describe('cached reads on PostgreSQL: the change feed', function () {
  this.timeout(30_000);
  const engine = usePostgresEngine();
  let w: EngineWorld;
  let admin: pg.Client;
  let reads: () => number;
  beforeEach(async () => {
    w = await engineWorld(engine, OFFERS);
    await importOrganisation(w.store, w.clock, orgDoc(OFFERS, OTHER_TENANT));
    reads = countReads(w.store);
    admin = new pg.Client({ connectionString: w.address });
    await admin.connect();
  });
  afterEach(async () => {
    await admin.end();
    await w.close();
  });
  const viewA = () => w.services.benefits.view(who('member'));
  const viewB = () => w.services.benefits.view(who('member', OTHER_TENANT));
  const readsOf = async (fn: () => Promise<unknown>) => {
    const before = reads();
    await fn();
    return reads() - before;
  };

  it('its connection lost: the cache empties and keeps nothing until it is back; nothing committed meanwhile is missed', async () => {
    await viewA();
    await viewB();
    expect(await readsOf(viewB)).to.equal(0);
    const { rowCount } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE '%pg_current_snapshot()%' AND pid <> pg_backend_pid()`,
    );
    expect(rowCount, 'the feed’s connection').to.equal(1);
    await plainSql(
      w.address,
      'UPDATE users SET name = ? WHERE tenant_id = ? AND aad_object_id = ?',
      'Renamed in B',
      OTHER_TENANT,
      USERS.member,
    );
    // Until the feed is back (it tries again after a second), every view is read.
    expect(await readsOf(viewA)).to.equal(1);
    expect(await readsOf(viewA)).to.equal(1);
    expect((await viewB()).user.name).to.equal('Renamed in B');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await viewA();
    expect(await readsOf(viewA), 'cached again').to.equal(0);
  });

  it('a change log pruned past what this store has read drops every cached read', async () => {
    await viewA();
    await viewB();
    // B's person renamed, then a write to A, then the log pruned to its newest transaction's rows.
    await plainSql(
      w.address,
      'UPDATE users SET name = ? WHERE tenant_id = ? AND aad_object_id = ?',
      'Renamed in B',
      OTHER_TENANT,
      USERS.member,
    );
    await plainSql(w.address, 'UPDATE organisations SET name = name WHERE tenant_id = ?', TENANT);
    const pool = new pg.Pool({ connectionString: w.address, max: 1 });
    await pruneChangeLog(pool, 0);
    await pool.end();
    const { rows } = await admin.query('SELECT scope FROM change_log');
    expect(rows).to.deep.equal([{ scope: organisationScope(TENANT) }]);
    expect((await viewB()).user.name, 'B is read again').to.equal('Renamed in B');
    expect(await readsOf(viewA), 'unchanged A too: everything went').to.equal(1);
  });

  it('every data table writes its changes into the change log (insert, update, delete)', async () => {
    const { rows: tables } = await admin.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'
          AND tablename NOT LIKE 'kysely_%' AND tablename NOT IN ('change_log', 'change_log_pruned') ORDER BY 1`,
    );
    expect(tables.length).to.be.at.least(12);
    const { rows: triggers } = await admin.query<{ table: string; name: string }>(
      `SELECT tgrelid::regclass::text AS table, tgname AS name FROM pg_trigger WHERE NOT tgisinternal`,
    );
    for (const { name: table } of tables)
      expect(
        triggers.filter((t) => t.table === table).map((t) => t.name),
        table,
      ).to.have.members([
        `change_log_${table}_insert`,
        `change_log_${table}_update`,
        `change_log_${table}_delete`,
      ]);
  });
});
