/**
 * PostgreSQL's change feed for the read cache (issue 11): what happens when its connection is
 * lost, when the change log was pruned past it, and that every data table writes to the log. The
 * cache's contract on both engines is in readCache.test.ts and readCacheScopes.test.ts.
 */
import { expect } from 'chai';
import { importOrganisation } from '../services/organisations/importOrganisation';
import type { Store } from '../services/storage/repositories';
import { pruneChangeLog } from '../services/storage/postgres/changeFeed';
import { organisationScope, peopleScope } from '../services/storage/scopes';
import pg from 'pg';
import { engineWorld, usePostgresEngine, type EngineWorld } from './helpers/engines';
import { activeBenefit, offer, orgDoc, OTHER_TENANT, TENANT, USERS, who } from './helpers/fixtures';
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
    // Until the feed is back (it tries again after a second), every view is read: both its
    // parts, the person's and the organisation's.
    expect(await readsOf(viewA)).to.equal(2);
    expect(await readsOf(viewA)).to.equal(2);
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
    const { rows } = await admin.query<{ scope: string }>('SELECT scope FROM change_log ORDER BY scope');
    expect(rows.map((r) => r.scope)).to.deep.equal([organisationScope(TENANT), peopleScope(TENANT)]);
    expect((await viewB()).user.name, 'B is read again').to.equal('Renamed in B');
    expect(await readsOf(viewA), 'unchanged A too, both parts: everything went').to.equal(2);
  });

  it('every data table writes its changes into the change log (insert, update, delete; truncate: migration 0003)', async () => {
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
        `change_log_${table}_truncate`,
      ]);
  });
});
