/**
 * Incidents opened per second through IncidentService.open versus raw better-sqlite3
 * IMMEDIATE transactions doing the same row work (the same reads, the conditional
 * decrement, the incident and audit inserts), in one run on fresh SQLite files.
 * Usage: npm run bench:services [-- --count N] [-- --synchronous FULL|NORMAL]
 * FULL is what the bot runs with (an acknowledged incident survives power loss); NORMAL is
 * there to measure what that durability costs.
 */
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

function synchronousArg(): 'FULL' | 'NORMAL' {
  const at = process.argv.indexOf('--synchronous');
  const value = at > 0 ? process.argv[at + 1]?.toUpperCase() : 'FULL';
  if (value !== 'FULL' && value !== 'NORMAL') throw new Error('--synchronous must be FULL or NORMAL');
  return value;
}
const synchronous = synchronousArg();

async function freshStore(): Promise<{ store: SqliteStore; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-bench-'));
  const store = SqliteStore.open(path.join(dir, 'bench.sqlite'), { synchronous });
  await importOrganisation(store, clock, doc);
  return { store, dir };
}

async function viaService(count: number): Promise<number> {
  const { store, dir } = await freshStore();
  const services = createServices(store, clock);
  const who = { tenantId: TENANT, aadObjectId: USER };
  const start = process.hrtime.bigint();
  for (let n = 0; n < count; n++)
    await services.incidents.open(who, { ...input, idempotencyKey: `svc-${n}` });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return count / seconds;
}

async function raw(count: number): Promise<number> {
  const { store, dir } = await freshStore();
  const db = store.db;
  const org = db.prepare('SELECT * FROM organisations WHERE tenant_id = ?');
  const user = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND aad_object_id = ?');
  const byKey = db.prepare('SELECT * FROM incidents WHERE tenant_id = ? AND idempotency_key = ?');
  const offers = db.prepare('SELECT * FROM membership_offers WHERE tenant_id = ?');
  const benefits = db.prepare('SELECT * FROM benefits WHERE tenant_id = ?');
  const consume = db.prepare(
    'UPDATE benefits SET used = used + 1 WHERE tenant_id = ? AND id = ? AND (total IS NULL OR used < total) RETURNING used, total',
  );
  const insert = db.prepare(
    `INSERT INTO incidents (tenant_id, id, benefit_id, plan, kind, product, title, description, severity, contact_name,
       contact_email, contact_phone, state, opened_by, opened_at, idempotency_key)
     VALUES (?, ?, ?, 'signatureCloudSupport', 'cloud', ?, ?, ?, 'B', ?, ?, NULL, 'open', ?, ?, ?)`,
  );
  const audit = db.prepare(
    'INSERT INTO audit_log (tenant_id, actor, action, subject, details, at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const open = db.transaction((key: string) => {
    org.get(TENANT);
    user.get(TENANT, USER);
    if (byKey.get(TENANT, key)) return;
    offers.all(TENANT);
    benefits.all(TENANT);
    if (!consume.get(TENANT, 'gold-cloud.signatureCloudSupport')) throw new Error('quota');
    const id = newIncidentId();
    const now = new Date().toISOString();
    insert.run(
      TENANT,
      id,
      'gold-cloud.signatureCloudSupport',
      input.product,
      input.title,
      input.description,
      input.contact.name,
      input.contact.email,
      USER,
      now,
      key,
    );
    audit.run(TENANT, USER, 'incident.opened', id, JSON.stringify({ plan: 'signatureCloudSupport' }), now);
  });
  const start = process.hrtime.bigint();
  for (let n = 0; n < count; n++) open.immediate(`raw-${n}-${randomUUID()}`);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return count / seconds;
}

async function main(): Promise<void> {
  const countArg = process.argv.indexOf('--count');
  const count = countArg > 0 ? Number(process.argv[countArg + 1]) : 20_000;
  await viaService(1000); // warm-up: JIT and page cache
  await raw(1000);
  const rounds: { service: number; raw: number }[] = [];
  for (let r = 0; r < 3; r++) rounds.push({ raw: await raw(count), service: await viaService(count) });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  const service = median(rounds.map((r) => r.service));
  const rawRate = median(rounds.map((r) => r.raw));
  const ratio = service / rawRate;
  console.log(`machine: ${machine()}`);
  console.log(
    `incidents per run: ${count}, 3 rounds, median shown (WAL, synchronous=${synchronous}, one process)`,
  );
  console.log(`raw better-sqlite3 IMMEDIATE transactions: ${rawRate.toFixed(0)} incidents/s`);
  console.log(`IncidentService.open:                       ${service.toFixed(0)} incidents/s`);
  console.log(`ratio service/raw: ${ratio.toFixed(2)} (target ≥ 0.50) ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
}

void main();
