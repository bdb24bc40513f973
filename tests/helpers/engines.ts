/**
 * The service contract suites run on both database engines from one set of test files (issue 11):
 * `forEachEngine(title, (engine) => …)` declares the suite once on SQLite (a file per database)
 * and once on PostgreSQL (a database per `newDatabase()` on the test cluster, copied from a
 * migrated template, so every world starts empty and costs no migration).
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { fixedClock } from '../../services/domain/clock';
import { createServices, type Services } from '../../services/index';
import { importOrganisation } from '../../services/organisations/importOrganisation';
import { PostgresStore } from '../../services/storage/postgres/postgresStore';
import type { Store } from '../../services/storage/repositories';
import { SqliteStore } from '../../services/storage/sqlite/sqliteStore';
import { orgDoc, tempDbPath, TODAY, type OfferDoc } from './fixtures';
import { usePostgresDatabase } from './postgres';

export interface Engine {
  readonly name: 'SQLite' | 'PostgreSQL';
  /** A new, empty database of this engine: its address (a file path, or a postgres:// URL). */
  newDatabase(): Promise<string>;
  /** A store on that database; as many as a test likes (instances, processes' worth of connections). */
  open(address: string): Promise<Store>;
  /** The configuration that points the bot or the admin CLI at that database. */
  env(address: string): Record<string, string>;
}

export interface EngineWorld {
  services: Services;
  store: Store;
  clock: ReturnType<typeof fixedClock>;
  /** Where the database is: open more stores on it with `engine.open(address)`. */
  address: string;
  close(): Promise<void>;
}

/** A new database with the test organisation imported (fixtures.ts's `world`, on any engine). */
export async function engineWorld(
  engine: Engine,
  offers: OfferDoc[],
  opts: { today?: string } = {},
): Promise<EngineWorld> {
  const address = await engine.newDatabase();
  const store = await engine.open(address);
  const clock = fixedClock(`${opts.today ?? TODAY}T09:00:00Z`);
  await importOrganisation(store, clock, orgDoc(offers));
  return { services: createServices(store, clock), store, clock, address, close: () => store.close() };
}

/** Reads the database with a store of its own (as another instance would), then closes it. */
export async function inspect<T>(
  engine: Engine,
  address: string,
  read: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await engine.open(address);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

const sqlite: Engine = {
  name: 'SQLite',
  newDatabase: async () => tempDbPath(),
  open: async (file) => SqliteStore.open(file),
  env: (file) => ({ DATABASE_PATH: file }),
};

/** Call inside a describe: databases on the shared test cluster, dropped after the suite. */
export function usePostgresEngine(): Engine {
  const template = usePostgresDatabase();
  const created: string[] = [];
  let admin: pg.Client | null = null;
  before(async function () {
    this.timeout(60_000);
    // Migrate the suite's database once; it is then the template of every database the suite makes.
    await (await PostgresStore.open(template.url, { poolSize: 1 })).close();
    admin = new pg.Client({ connectionString: template.cluster.url('postgres') });
    await admin.connect();
    // A pool's end() resolves before its backend has gone, and a template must have no sessions.
    for (let waited = 0; waited < 5_000; waited += 20) {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [template.name],
      );
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  after(async function () {
    this.timeout(60_000);
    if (!admin) return;
    for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  return {
    name: 'PostgreSQL',
    newDatabase: async () => {
      if (!admin) throw new Error('usePostgresEngine: use it in tests, after the suite’s before hook');
      const name = `${template.name}_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.name} STRATEGY FILE_COPY`);
      created.push(name);
      return template.cluster.url(name);
    },
    open: (url) => PostgresStore.open(url),
    env: (url) => ({ DATABASE_URL: url }),
  };
}

/** Declares the suite `body` once per engine; on PostgreSQL it is skipped without the server binaries. */
export function forEachEngine(title: string, body: (this: Mocha.Suite, engine: Engine) => void): void {
  describe(`${title} [SQLite]`, function () {
    body.call(this, sqlite);
  });
  describe(`${title} [PostgreSQL]`, function () {
    body.call(this, usePostgresEngine());
  });
}
