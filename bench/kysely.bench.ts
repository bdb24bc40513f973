/**
 * Should the store's queries go through Kysely (one query codebase for SQLite and PostgreSQL,
 * issue 11)? The same units of work on the same SQLite file, raw and through Kysely's
 * SqliteDialect:
 *  - opening an incident under quota: the row work of bench:services (caller, idempotency key,
 *    offers, benefits, conditional decrement, incident and audit inserts) in one
 *    `BEGIN IMMEDIATE` transaction, as SqliteStore.transaction runs it;
 *  - the benefits view, uncached: caller, offers, benefits in one read transaction (`BEGIN`).
 * Ways: raw better-sqlite3 prepared statements in a synchronous `.immediate()` transaction (the
 * denominator of bench:services' ratio); the same statements the way SqliteStore runs them
 * (exec BEGIN IMMEDIATE, awaited async calls, COMMIT); Kysely as it comes (it prepares every
 * statement anew); Kysely with a prepared-statement cache in front of better-sqlite3; and the
 * service itself (IncidentService.open, BenefitService.view with READ_CACHE off) for the
 * projection of bench:services' ratio if the store moved to Kysely.
 * Usage: npm run bench:kysely [-- --count N] [-- --rounds N] [-- --synchronous FULL|NORMAL]
 */
import Database from 'better-sqlite3';
import {
  Kysely,
  SqliteDialect,
  sql,
  type CompiledQuery,
  type SqliteDatabase,
  type Transaction,
} from 'kysely';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../services/domain/clock';
import { createServices } from '../services/index';
import { newIncidentId } from '../services/incidents/incidentService';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { machine } from './machine';

const TENANT = '11111111-2222-4333-8444-555555555555';
const USER = '00000000-0000-4000-8000-0000000000a4';
const BENEFIT = 'gold-cloud.signatureCloudSupport';
const clock = fixedClock('2026-06-15T09:00:00Z');
const doc = {
  organisation: { tenantId: TENANT, mpnId: '1234567', name: 'Bench Partners' },
  users: [
    { aadObjectId: USER, name: 'Member', email: 'm@bench.example', association: 'mpn', roles: [] },
    {
      aadObjectId: '00000000-0000-4000-8000-0000000000a1',
      name: 'Admin',
      email: 'a@bench.example',
      association: 'mpn',
      roles: ['globalAdmin'],
    },
  ],
  offers: [
    {
      id: 'gold-cloud',
      level: 'gold',
      competency: 'Cloud Platform',
      startsOn: '2026-01-01',
      expiresOn: '2026-12-31',
      // Unlimited (R11), so the run never hits the quota.
      benefits: {
        signatureCloudSupport: {
          activation: 'active',
          accessId: 'ACC-0001',
          contractId: 'CON-0001',
          requestedBy: '00000000-0000-4000-8000-0000000000a1',
        },
      },
    },
    {
      id: 'gold-onprem',
      level: 'gold',
      competency: 'Data Analytics',
      startsOn: '2026-01-01',
      expiresOn: '2026-12-31',
      benefits: { productSupport: { activation: 'notActivated' } },
    },
  ],
};
const input = {
  kind: 'cloud' as const,
  product: 'Azure Kubernetes Service',
  title: 'Node pool fails to scale',
  description: 'Scaling the user node pool from 3 to 5 nodes fails with a quota error.',
  severity: 'B' as const,
  contact: { name: 'Bench', email: 'bench@bench.example', phone: null },
};

/** The tables these units of work touch, as Kysely sees them (SQLite columns). */
interface Tables {
  organisations: { tenant_id: string; mpn_id: string; name: string; created_at: string };
  users: {
    tenant_id: string;
    aad_object_id: string;
    name: string;
    email: string;
    association: string;
    roles: string;
    locale: string | null;
  };
  membership_offers: {
    tenant_id: string;
    id: string;
    level: string;
    competency: string | null;
    competency_class: string | null;
    starts_on: string;
    expires_on: string;
  };
  benefits: {
    tenant_id: string;
    id: string;
    offer_id: string;
    type: string;
    total: number | null;
    used: number;
    activation_state: string;
  };
  incidents: {
    tenant_id: string;
    id: string;
    benefit_id: string | null;
    plan: string;
    kind: string;
    product: string;
    title: string;
    description: string;
    severity: string;
    contact_name: string;
    contact_email: string;
    contact_phone: string | null;
    state: string;
    opened_by: string;
    opened_at: string;
    idempotency_key: string;
  };
  audit_log: {
    tenant_id: string;
    actor: string;
    action: string;
    subject: string;
    details: string;
    at: string;
  };
}

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}
const synchronous = arg('--synchronous', 'FULL').toUpperCase();
if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
  throw new Error('--synchronous must be FULL or NORMAL');
const count = Number(arg('--count', '5000'));
const roundCount = Number(arg('--rounds', '3'));

async function freshStore(): Promise<{ store: SqliteStore; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-kysely-'));
  const store = SqliteStore.open(path.join(dir, 'bench.sqlite'), {
    synchronous: synchronous as 'FULL' | 'NORMAL',
    readCache: false,
  });
  await importOrganisation(store, clock, doc);
  return {
    store,
    close: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
async function immediate<T>(k: Kysely<Tables>, begin: string, work: (tx: Kysely<Tables>) => Promise<T>) {
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

/** Prepared statements shared by the two raw ways. */
function rawStatements(db: Database.Database) {
  return {
    org: db.prepare('SELECT * FROM organisations WHERE tenant_id = ?'),
    user: db.prepare('SELECT * FROM users WHERE tenant_id = ? AND aad_object_id = ?'),
    byKey: db.prepare('SELECT * FROM incidents WHERE tenant_id = ? AND idempotency_key = ?'),
    offers: db.prepare('SELECT * FROM membership_offers WHERE tenant_id = ? ORDER BY rowid'),
    benefits: db.prepare('SELECT * FROM benefits WHERE tenant_id = ? ORDER BY rowid'),
    consume: db.prepare(
      'UPDATE benefits SET used = used + 1 WHERE tenant_id = ? AND id = ? AND (total IS NULL OR used < total) RETURNING used, total',
    ),
    insert: db.prepare(
      `INSERT INTO incidents (tenant_id, id, benefit_id, plan, kind, product, title, description, severity, contact_name,
         contact_email, contact_phone, state, opened_by, opened_at, idempotency_key)
       VALUES (?, ?, ?, 'signatureCloudSupport', 'cloud', ?, ?, ?, 'B', ?, ?, NULL, 'open', ?, ?, ?)`,
    ),
    audit: db.prepare(
      'INSERT INTO audit_log (tenant_id, actor, action, subject, details, at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
  };
}
type Raw = ReturnType<typeof rawStatements>;

const incidentRow = (key: string, id: string, now: string) =>
  [
    TENANT,
    id,
    BENEFIT,
    input.product,
    input.title,
    input.description,
    input.contact.name,
    input.contact.email,
    USER,
    now,
    key,
  ] as const;

const openWays: Record<string, (store: SqliteStore, runId: string) => Unit> = {
  'raw, sync .immediate() (bench:services denominator)': (store, runId) => {
    const q = rawStatements(store.db);
    const open = store.db.transaction((key: string) => {
      q.org.get(TENANT);
      q.user.get(TENANT, USER);
      if (q.byKey.get(TENANT, key)) return;
      q.offers.all(TENANT);
      q.benefits.all(TENANT);
      if (!q.consume.get(TENANT, BENEFIT)) throw new Error('quota');
      const id = newIncidentId();
      const now = new Date().toISOString();
      q.insert.run(...incidentRow(key, id, now));
      q.audit.run(
        TENANT,
        USER,
        'incident.opened',
        id,
        JSON.stringify({ plan: 'signatureCloudSupport' }),
        now,
      );
    });
    return (n) => open.immediate(`${runId}-${n}`);
  },
  'raw, async as SqliteStore runs it': (store, runId) => {
    const q = rawStatements(store.db);
    return (n) => store.transaction(async () => openRawAsync(q, `${runId}-${n}`));
  },
  'Kysely (prepares each statement)': (store, runId) => {
    const k = kyselyOn(store.db, false);
    return (n) => immediate(k, 'begin immediate', (tx) => openKysely(tx, `${runId}-${n}`));
  },
  'Kysely + statement cache': (store, runId) => {
    const k = kyselyOn(store.db, true);
    return (n) => immediate(k, 'begin immediate', (tx) => openKysely(tx, `${runId}-${n}`));
  },
  'Kysely, queries compiled once (parameters swapped)': (store, runId) => {
    const k = kyselyOn(store.db, true);
    const q = compiledOpen(k);
    return (n) => immediate(k, 'begin immediate', (tx) => openCompiled(tx, q, `${runId}-${n}`));
  },
  'IncidentService.open (today, raw store)': (store, runId) => {
    const services = createServices(store, clock);
    const who = { tenantId: TENANT, aadObjectId: USER };
    return (n) => services.incidents.open(who, { ...input, idempotencyKey: `${runId}-${n}` });
  },
};

// Each call is awaited, as the store's repositories are (async methods over sync statements).
async function openRawAsync(q: Raw, key: string): Promise<void> {
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
  await runIt(
    q.audit,
    TENANT,
    USER,
    'incident.opened',
    id,
    JSON.stringify({ plan: 'signatureCloudSupport' }),
    now,
  );
}

async function openKysely(tx: Kysely<Tables> | Transaction<Tables>, key: string): Promise<void> {
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
    tx
      .selectFrom('membership_offers')
      .selectAll()
      .where('tenant_id', '=', TENANT)
      .orderBy(sql`rowid`)
      .execute(),
    tx
      .selectFrom('benefits')
      .selectAll()
      .where('tenant_id', '=', TENANT)
      .orderBy(sql`rowid`)
      .execute(),
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
      details: JSON.stringify({ plan: 'signatureCloudSupport' }),
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
  'Kysely (prepares each statement)': (store) => {
    const k = kyselyOn(store.db, false);
    return () => immediate(k, 'begin', viewKysely);
  },
  'Kysely + statement cache': (store) => {
    const k = kyselyOn(store.db, true);
    return () => immediate(k, 'begin', viewKysely);
  },
  'Kysely, queries compiled once (parameters swapped)': (store) => {
    const k = kyselyOn(store.db, true);
    const q = compiledOpen(k);
    return () =>
      immediate(k, 'begin', async (tx) => {
        const p = { tenant: TENANT, user: USER };
        await tx.executeQuery(q.org(p));
        await tx.executeQuery(q.user(p));
        return Promise.all([tx.executeQuery(q.offers(p)), tx.executeQuery(q.benefits(p))]);
      });
  },
  'BenefitService.view, READ_CACHE off (today)': (store) => {
    const services = createServices(store, clock);
    return () => services.benefits.view({ tenantId: TENANT, aadObjectId: USER });
  },
};

/**
 * A query built once with named placeholders and compiled once; each call only fills in the
 * parameters. (Kysely compiles a query every time it is built: this measures what is left when
 * the building and compiling are taken out of the hot path.)
 */
function once<P extends string>(
  query: { compile(): CompiledQuery },
  names: readonly P[],
): (values: Record<P, unknown>) => CompiledQuery {
  const compiled = query.compile();
  const slots = compiled.parameters.map((p) => names.find((name) => p === `\u0000${name}`) ?? null);
  return (values) => ({
    ...compiled,
    parameters: compiled.parameters.map((fixed, i) => (slots[i] === null ? fixed : values[slots[i]!])),
  });
}
const slot = (name: string) => `\u0000${name}`;

function compiledOpen(k: Kysely<Tables>) {
  return {
    org: once(k.selectFrom('organisations').selectAll().where('tenant_id', '=', slot('tenant')), ['tenant']),
    user: once(
      k
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', slot('tenant'))
        .where('aad_object_id', '=', slot('user')),
      ['tenant', 'user'],
    ),
    byKey: once(
      k
        .selectFrom('incidents')
        .selectAll()
        .where('tenant_id', '=', slot('tenant'))
        .where('idempotency_key', '=', slot('key')),
      ['tenant', 'key'],
    ),
    offers: once(
      k
        .selectFrom('membership_offers')
        .selectAll()
        .where('tenant_id', '=', slot('tenant'))
        .orderBy(sql`rowid`),
      ['tenant'],
    ),
    benefits: once(
      k
        .selectFrom('benefits')
        .selectAll()
        .where('tenant_id', '=', slot('tenant'))
        .orderBy(sql`rowid`),
      ['tenant'],
    ),
    consume: once(
      k
        .updateTable('benefits')
        .set((eb) => ({ used: eb('used', '+', 1) }))
        .where('tenant_id', '=', slot('tenant'))
        .where('id', '=', slot('benefit'))
        .where((eb) => eb.or([eb('total', 'is', null), eb('used', '<', eb.ref('total'))]))
        .returning(['used', 'total']),
      ['tenant', 'benefit'],
    ),
    insert: once(
      k.insertInto('incidents').values({
        tenant_id: slot('tenant'),
        id: slot('id'),
        benefit_id: slot('benefit'),
        plan: 'signatureCloudSupport',
        kind: 'cloud',
        product: slot('product'),
        title: slot('title'),
        description: slot('description'),
        severity: 'B',
        contact_name: slot('contactName'),
        contact_email: slot('contactEmail'),
        contact_phone: null,
        state: 'open',
        opened_by: slot('user'),
        opened_at: slot('now'),
        idempotency_key: slot('key'),
      }),
      [
        'tenant',
        'id',
        'benefit',
        'product',
        'title',
        'description',
        'contactName',
        'contactEmail',
        'user',
        'now',
        'key',
      ],
    ),
    audit: once(
      k.insertInto('audit_log').values({
        tenant_id: slot('tenant'),
        actor: slot('user'),
        action: 'incident.opened',
        subject: slot('id'),
        details: slot('details'),
        at: slot('now'),
      }),
      ['tenant', 'user', 'id', 'details', 'now'],
    ),
  };
}

async function openCompiled(
  tx: Kysely<Tables>,
  q: ReturnType<typeof compiledOpen>,
  key: string,
): Promise<void> {
  const p = { tenant: TENANT, user: USER, key, benefit: BENEFIT };
  await tx.executeQuery(q.org(p));
  await tx.executeQuery(q.user(p));
  if ((await tx.executeQuery(q.byKey(p))).rows.length) return;
  await Promise.all([tx.executeQuery(q.offers(p)), tx.executeQuery(q.benefits(p))]);
  if (!(await tx.executeQuery(q.consume(p))).rows.length) throw new Error('quota');
  const id = newIncidentId();
  const now = new Date().toISOString();
  await tx.executeQuery(
    q.insert({
      ...p,
      id,
      now,
      product: input.product,
      title: input.title,
      description: input.description,
      contactName: input.contact.name,
      contactEmail: input.contact.email,
    }),
  );
  await tx.executeQuery(
    q.audit({ ...p, id, now, details: JSON.stringify({ plan: 'signatureCloudSupport' }) }),
  );
}

async function viewKysely(tx: Kysely<Tables>): Promise<unknown> {
  await tx.selectFrom('organisations').selectAll().where('tenant_id', '=', TENANT).executeTakeFirst();
  await tx
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', TENANT)
    .where('aad_object_id', '=', USER)
    .executeTakeFirst();
  return Promise.all([
    tx
      .selectFrom('membership_offers')
      .selectAll()
      .where('tenant_id', '=', TENANT)
      .orderBy(sql`rowid`)
      .execute(),
    tx
      .selectFrom('benefits')
      .selectAll()
      .where('tenant_id', '=', TENANT)
      .orderBy(sql`rowid`)
      .execute(),
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
      const { store, close } = await freshStore();
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
      `  ${name.padEnd(52)} ${r.toFixed(0).padStart(7)}/s  ${(1e6 / r).toFixed(0).padStart(5)} µs  × ${(r / rawSync).toFixed(2)} of raw sync  ${extra >= 0 ? '+' : '−'}${Math.abs(extra).toFixed(0)} µs vs the store's raw way`,
    );
  }
}

async function main(): Promise<void> {
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`machine: ${machine()}`);
  console.log(`load average at start: ${load()}`);
  console.log(
    `SQLite WAL, synchronous=${synchronous}, one process; ${count} incidents and ${count * 4} views per run, ${roundCount} rounds, median`,
  );
  const opens = await measure(openWays, count, (way, store, runId) => way(store, runId));
  const views = await measure(viewWays, count * 4, (way, store) => way(store));
  table('open an incident (BEGIN IMMEDIATE)', opens);
  table('benefits view, uncached (BEGIN)', views);
  // A store on Kysely would add to IncidentService.open what each Kysely way adds to the same
  // unit of work run as the store runs it today (never less than nothing: under load the disk's
  // sync time varies more than that).
  const [rawSync, rawAsync, kysely, cached, once, service] = [...opens.values()].map((r) => 1e6 / r);
  const project = (way: number) => rawSync / (service + Math.max(0, way - rawAsync));
  // Per statement, from the views (4 statements, nothing synced to disk).
  const [, rawAsyncView, kyselyView, cachedView, onceView] = [...views.values()].map((r) => 1e6 / r);
  const perStatement = (view: number) =>
    `${Math.max(0, (view - rawAsyncView) / 4).toFixed(1)} µs a read statement`;
  console.log(`\nbench:services ratio in this run (service / raw sync): ${(rawSync / service).toFixed(2)}`);
  for (const [name, way, view] of [
    ['Kysely', kysely, kyselyView],
    ['Kysely + statement cache', cached, cachedView],
    ['Kysely, queries compiled once', once, onceView],
  ] as const)
    console.log(
      `projected on ${`${name}:`.padEnd(31)} ${project(way).toFixed(2)}  (Kysely adds ${perStatement(view)})`,
    );
  console.log('target ≥ 0.50');
  console.log(`load average at end: ${load()}`);
}

void main();
