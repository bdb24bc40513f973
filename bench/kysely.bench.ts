/**
 * What the one query codebase costs (issue 11). The store's two hot units of work on the same
 * SQLite file, raw and through the queries the store now runs (services/storage/queries/:
 * Kysely-built, compiled once per engine at open, run on better-sqlite3 prepared statements),
 * and, for reference, through Kysely's own executor as it comes and with a statement cache:
 *  - opening an incident: the row work of bench:services (caller, idempotency key, offers,
 *    benefits, conditional decrement, incident and audit inserts) in one `BEGIN IMMEDIATE`;
 *  - the benefits view, uncached: caller, offers, benefits in one read transaction (`BEGIN`).
 * Usage: npm run bench:kysely [-- --count N] [-- --rounds N] [-- --synchronous FULL|NORMAL]
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { randomUUID } from 'node:crypto';
import { createServices } from '../services/index';
import { newIncidentId } from '../services/incidents/incidentService';
import type { Database as Tables } from '../services/storage/queries/schema';
import type { StoreTx } from '../services/storage/repositories';
import type { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import {
  arg,
  BENEFIT,
  freshStore,
  incidentRow,
  rawOpen,
  rawStatements,
  synchronousArg,
  type RawStatements,
} from './incidentBench';
import { clock, input, TENANT, USER } from './incidentWork';
import { load, machine } from './machine';

const synchronous = synchronousArg();
const count = Number(arg('--count', '5000'));
const roundCount = Number(arg('--rounds', '3'));

/** Kysely over the store's own connection; `cached` keeps each statement prepared once. */
function kyselyOn(db: Database.Database, cached: boolean): Kysely<Tables> {
  const statements = new Map<string, Database.Statement>();
  const database: SqliteDatabase = {
    close: () => undefined, // the store owns the connection
    prepare: (text) => {
      if (!cached) return db.prepare(text);
      let stmt = statements.get(text);
      if (!stmt) statements.set(text, (stmt = db.prepare(text)));
      return stmt;
    },
  };
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
}

/** SqliteStore's semantics on Kysely's one SQLite connection: its own transaction() says plain BEGIN (deferred). */
async function inTransaction<T>(k: Kysely<Tables>, begin: string, work: (tx: Kysely<Tables>) => Promise<T>) {
  return k.connection().execute(async (conn) => {
    await sql.raw(begin).execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}

type Unit = (n: number) => unknown;

const details = { plan: 'signatureCloudSupport' };

const openWays: Record<string, (store: SqliteStore, runId: string) => Unit> = {
  'raw, sync .immediate() (bench:services denominator)': (store, runId) => {
    const open = rawOpen(store.db);
    return (n) => open(`${runId}-${n}`);
  },
  'raw, async as SqliteStore runs it': (store, runId) => {
    const q = rawStatements(store.db);
    return (n) => store.transaction(async () => openRawAsync(q, `${runId}-${n}`));
  },
  "the store's repositories (compiled once)": (store, runId) => (n) =>
    store.transaction((tx) => openThroughRepositories(tx, `${runId}-${n}`)),
  'Kysely as it comes (prepares each statement)': (store, runId) => {
    const k = kyselyOn(store.db, false);
    return (n) => inTransaction(k, 'begin immediate', (tx) => openKysely(tx, `${runId}-${n}`));
  },
  'Kysely + statement cache': (store, runId) => {
    const k = kyselyOn(store.db, true);
    return (n) => inTransaction(k, 'begin immediate', (tx) => openKysely(tx, `${runId}-${n}`));
  },
  'IncidentService.open': (store, runId) => {
    const services = createServices(store, clock);
    const who = { tenantId: TENANT, aadObjectId: USER };
    return (n) => services.incidents.open(who, { ...input, idempotencyKey: `${runId}-${n}` });
  },
};

// Each call is awaited, as the store's repositories are (async methods over sync statements).
async function openRawAsync(q: RawStatements, key: string): Promise<void> {
  const get = async (s: Database.Statement, ...p: unknown[]) => s.get(...p);
  const all = async (s: Database.Statement, ...p: unknown[]) => s.all(...p);
  const runIt = async (s: Database.Statement, ...p: unknown[]) => s.run(...p);
  await get(q.org, TENANT);
  await get(q.user, TENANT, USER);
  if (await get(q.byKey, TENANT, key)) return;
  await Promise.all([all(q.offers, TENANT), all(q.benefits, TENANT)]);
  if (!(await get(q.consume, TENANT, BENEFIT))) throw new Error('quota');
  const id = newIncidentId();
  const now = new Date().toISOString();
  await runIt(q.insert, ...incidentRow(key, id, now));
  await runIt(q.audit, TENANT, USER, 'incident.opened', id, JSON.stringify(details), now);
}

async function openThroughRepositories(tx: StoreTx, key: string): Promise<void> {
  await tx.organisations.get(TENANT);
  await tx.users.get(TENANT, USER);
  if (await tx.incidents.getByIdempotencyKey(TENANT, key)) return;
  await Promise.all([tx.offers.list(TENANT), tx.benefits.list(TENANT)]);
  if (!(await tx.benefits.consumeIncident(TENANT, BENEFIT))) throw new Error('quota');
  const id = newIncidentId();
  const now = new Date().toISOString();
  await tx.incidents.insert({
    tenantId: TENANT,
    id,
    benefitId: BENEFIT,
    plan: 'signatureCloudSupport',
    kind: input.kind,
    product: input.product,
    title: input.title,
    description: input.description,
    severity: input.severity,
    contact: input.contact,
    state: 'open',
    openedBy: USER,
    openedAt: now,
    closedBy: null,
    closedAt: null,
    idempotencyKey: key,
  });
  await tx.audit.append({
    tenantId: TENANT,
    actor: USER,
    action: 'incident.opened',
    subject: id,
    details,
    at: now,
  });
}

async function openKysely(tx: Kysely<Tables>, key: string): Promise<void> {
  await tx.selectFrom('organisations').selectAll().where('tenant_id', '=', TENANT).executeTakeFirst();
  await tx
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', TENANT)
    .where('aad_object_id', '=', USER)
    .executeTakeFirst();
  const first = await tx
    .selectFrom('incidents')
    .selectAll()
    .where('tenant_id', '=', TENANT)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (first) return;
  await Promise.all([
    tx.selectFrom('membership_offers').selectAll().where('tenant_id', '=', TENANT).orderBy('seq').execute(),
    tx.selectFrom('benefits').selectAll().where('tenant_id', '=', TENANT).orderBy('seq').execute(),
  ]);
  const counts = await tx
    .updateTable('benefits')
    .set((eb) => ({ used: eb('used', '+', 1) }))
    .where('tenant_id', '=', TENANT)
    .where('id', '=', BENEFIT)
    .where((eb) => eb.or([eb('total', 'is', null), eb('used', '<', eb.ref('total'))]))
    .returning(['used', 'total'])
    .executeTakeFirst();
  if (!counts) throw new Error('quota');
  const id = newIncidentId();
  const now = new Date().toISOString();
  await tx
    .insertInto('incidents')
    .values({
      tenant_id: TENANT,
      id,
      benefit_id: BENEFIT,
      plan: 'signatureCloudSupport',
      kind: 'cloud',
      product: input.product,
      title: input.title,
      description: input.description,
      severity: 'B',
      contact_name: input.contact.name,
      contact_email: input.contact.email,
      contact_phone: null,
      state: 'open',
      opened_by: USER,
      opened_at: now,
      closed_by: null,
      closed_at: null,
      idempotency_key: key,
    })
    .execute();
  await tx
    .insertInto('audit_log')
    .values({
      tenant_id: TENANT,
      actor: USER,
      action: 'incident.opened',
      subject: id,
      details: JSON.stringify(details),
      at: now,
    })
    .execute();
}

const viewWays: Record<string, (store: SqliteStore) => Unit> = {
  'raw, sync transaction (deferred BEGIN)': (store) => {
    const q = rawStatements(store.db);
    const read = store.db.transaction(() => {
      q.org.get(TENANT);
      q.user.get(TENANT, USER);
      return [q.offers.all(TENANT), q.benefits.all(TENANT)];
    });
    return () => read.deferred();
  },
  'raw, async as SqliteStore runs it': (store) => {
    const q = rawStatements(store.db);
    return () =>
      store.read(async () => {
        const get = async (s: Database.Statement, ...p: unknown[]) => s.get(...p);
        const all = async (s: Database.Statement, ...p: unknown[]) => s.all(...p);
        await get(q.org, TENANT);
        await get(q.user, TENANT, USER);
        return Promise.all([all(q.offers, TENANT), all(q.benefits, TENANT)]);
      });
  },
  "the store's repositories (compiled once)": (store) => () =>
    store.read(async (tx) => {
      await tx.organisations.get(TENANT);
      await tx.users.get(TENANT, USER);
      return Promise.all([tx.offers.list(TENANT), tx.benefits.list(TENANT)]);
    }),
  'Kysely as it comes (prepares each statement)': (store) => {
    const k = kyselyOn(store.db, false);
    return () => inTransaction(k, 'begin', viewKysely);
  },
  'Kysely + statement cache': (store) => {
    const k = kyselyOn(store.db, true);
    return () => inTransaction(k, 'begin', viewKysely);
  },
  'BenefitService.view, READ_CACHE off': (store) => {
    const services = createServices(store, clock);
    return () => services.benefits.view({ tenantId: TENANT, aadObjectId: USER });
  },
};

async function viewKysely(tx: Kysely<Tables>): Promise<unknown> {
  await tx.selectFrom('organisations').selectAll().where('tenant_id', '=', TENANT).executeTakeFirst();
  await tx
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', TENANT)
    .where('aad_object_id', '=', USER)
    .executeTakeFirst();
  return Promise.all([
    tx.selectFrom('membership_offers').selectAll().where('tenant_id', '=', TENANT).orderBy('seq').execute(),
    tx.selectFrom('benefits').selectAll().where('tenant_id', '=', TENANT).orderBy('seq').execute(),
  ]);
}

/** Units per second: n units one after the other, each awaited. */
async function rate(unit: Unit, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await unit(i);
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Every way once per round, in turn, on a fresh file each (so tables grow alike); the median round. */
async function measure<W>(
  ways: Record<string, W>,
  n: number,
  unitOf: (way: W, store: SqliteStore, runId: string) => Unit,
): Promise<Map<string, number>> {
  const rounds = new Map<string, number[]>(Object.keys(ways).map((name) => [name, []]));
  for (let round = -1; round < roundCount; round++) {
    for (const [name, way] of Object.entries(ways)) {
      const { store, close } = await freshStore({ synchronous, readCache: false });
      const r = await rate(unitOf(way, store, randomUUID()), round < 0 ? Math.min(n, 500) : n);
      await close();
      if (round >= 0) rounds.get(name)!.push(r); // round -1 warms up the JIT and page cache
    }
  }
  return new Map(
    [...rounds].map(([name, rs]) => [name, [...rs].sort((a, b) => a - b)[Math.floor(rs.length / 2)]]),
  );
}

function table(title: string, rates: Map<string, number>): void {
  console.log(`\n${title}`);
  const [rawSync, rawAsync] = [...rates.values()];
  for (const [name, r] of rates) {
    const extra = 1e6 / r - 1e6 / rawAsync;
    console.log(
      `  ${name.padEnd(52)} ${r.toFixed(0).padStart(7)}/s  ${(1e6 / r).toFixed(0).padStart(5)} µs  × ${(r / rawSync).toFixed(2)} of raw sync  ${extra >= 0 ? '+' : '−'}${Math.abs(extra).toFixed(0)} µs vs raw async`,
    );
  }
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  console.log(`load average at start: ${load()}`);
  console.log(
    `SQLite WAL, synchronous=${synchronous}, one process; ${count} incidents and ${count * 4} views per run, ${roundCount} rounds, median`,
  );
  const opens = await measure(openWays, count, (way, store, runId) => way(store, runId));
  const views = await measure(viewWays, count * 4, (way, store) => way(store));
  table('open an incident (BEGIN IMMEDIATE)', opens);
  table('benefits view, uncached (BEGIN)', views);
  const [rawSync, , , , , service] = [...opens.values()];
  // Per read statement, from the views (4 statements, nothing synced to disk).
  const [, rawAsyncView, storeView, kyselyView, cachedView] = [...views.values()].map((r) => 1e6 / r);
  const perStatement = (view: number) => `${Math.max(0, (view - rawAsyncView) / 4).toFixed(1)} µs`;
  console.log(
    `\nbench:services ratio in this run (IncidentService.open / raw sync): ${(service / rawSync).toFixed(2)}`,
  );
  console.log('target ≥ 0.50');
  console.log(
    `added per read statement over raw async: the store's repositories ${perStatement(storeView)}, Kysely as it comes ${perStatement(kyselyView)}, with a statement cache ${perStatement(cachedView)}`,
  );
  console.log(`load average at end: ${load()}`);
}

void main();
