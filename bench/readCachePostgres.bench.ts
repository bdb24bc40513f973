/**
 * Should benefits views be cached on PostgreSQL (issue 11)? A cache shared by several instances
 * is only never older than the database if every lookup asks the server what changed since (one
 * round trip: postgres/changeFeed.ts). So the question is whether one round trip plus a hit in
 * memory beats reading the view (a REPEATABLE READ transaction of several statements).
 * Measured here, per benefits view of the test organisation, on a throwaway local cluster:
 *  - uncached: BenefitService.view on PostgresStore with READ_CACHE off;
 *  - cached: the same with the read cache (each lookup's change-feed round trip, then a hit);
 *  - a bare round trip (`SELECT pg_current_snapshot()`) on a connection of its own;
 *  - a hit in SQLite's read cache (the in-memory part alone).
 * And what the change log costs writers: a dialog-state write (one row, as every turn writes)
 * with the change-log triggers, and on a database whose bot_state triggers were dropped.
 * Each sequential (one at a time) and 16 at once. Usage: npm run bench:readcache-pg [-- --count N]
 */
import pg from 'pg';
import { fixedClock } from '../services/domain/clock';
import { createServices } from '../services/index';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { PostgresStore } from '../services/storage/postgres/postgresStore';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { offer, orgDoc, tempDbPath, TENANT, USERS } from '../tests/helpers/fixtures';
import { startPostgresCluster } from '../tests/helpers/postgres';
import { load, machine } from './machine';

const count = Number(process.argv[process.argv.indexOf('--count') + 1]) || 2_000;
const clock = fixedClock('2026-06-15T09:00:00Z');
const OFFERS = [offer('gold-x', 'gold', 'Security'), offer('ap', 'actionPack', null)];
const member = { tenantId: TENANT, aadObjectId: USERS.member };

async function timed(label: string, once: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) await once(); // warm-up
  let start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await once();
  const sequential = Number(process.hrtime.bigint() - start) / 1e3 / count;
  start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = 0; i < count / 16; i++) await once();
    }),
  );
  const perSecond = count / (Number(process.hrtime.bigint() - start) / 1e9);
  console.log(
    `${label.padEnd(44)} ${sequential.toFixed(0).padStart(6)} µs each, ${perSecond.toFixed(0).padStart(7)}/s 16 at once  (load ${load()})`,
  );
}

async function main(): Promise<void> {
  console.log(machine());
  const cluster = await startPostgresCluster();
  try {
    const store = await PostgresStore.open(cluster.url('postgres'), { poolSize: 10, readCache: false });
    await importOrganisation(store, clock, orgDoc(OFFERS));
    const services = createServices(store, clock);
    const cachedStore = await PostgresStore.open(cluster.url('postgres'), { poolSize: 10 });
    const cachedServices = createServices(cachedStore, clock);
    const checker = new pg.Client({ connectionString: cluster.url('postgres') });
    await checker.connect();
    const file = tempDbPath();
    const sqlite = SqliteStore.open(file);
    await importOrganisation(sqlite, clock, orgDoc(OFFERS));
    const cached = createServices(sqlite, clock);

    await timed('PostgreSQL view, uncached', () => services.benefits.view(member));
    await timed('PostgreSQL view, cached (feed round trip + hit)', () =>
      cachedServices.benefits.view(member),
    );
    await timed('a bare round trip', () => checker.query('SELECT pg_current_snapshot()'));
    await timed('a hit in the read cache alone (SQLite)', () => cached.benefits.view(member));

    // Writers: one dialog-state row per unit of work, a new key each time.
    await checker.query('CREATE DATABASE no_triggers');
    const bare = await PostgresStore.open(cluster.url('no_triggers'), { readCache: false });
    const dropper = new pg.Client({ connectionString: cluster.url('no_triggers') });
    await dropper.connect();
    for (const event of ['insert', 'update', 'delete'])
      await dropper.query(`DROP TRIGGER change_log_bot_state_${event} ON bot_state`);
    await dropper.end();
    const at = clock.now().toISOString();
    for (const [label, target] of [
      ['state write, with the change-log triggers', store],
      ['state write, bot_state triggers dropped', bare],
    ] as const) {
      let n = 0;
      await timed(label, () =>
        target.transaction((tx) => tx.state.write(`k${label.length}-${n++}`, { n }, null, at)),
      );
    }
    await bare.close();

    await checker.end();
    await cachedStore.close();
    await store.close();
    await sqlite.close();
  } finally {
    await cluster.stop();
  }
}

void main();
