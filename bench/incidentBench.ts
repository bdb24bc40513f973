/**
 * What bench:services and bench:kysely share: the organisation, the incident, a fresh SQLite
 * store, and the raw better-sqlite3 statements doing the row work of `IncidentService.open`
 * (caller, idempotency key, offers, benefits, conditional decrement, incident and audit inserts)
 * that both compare against.
 */
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../services/domain/clock';
import { newIncidentId } from '../services/incidents/incidentService';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';

export const TENANT = '11111111-2222-4333-8444-555555555555';
export const USER = '00000000-0000-4000-8000-0000000000a4';
export const BENEFIT = 'gold-cloud.signatureCloudSupport';
export const clock = fixedClock('2026-06-15T09:00:00Z');

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

export const input = {
  kind: 'cloud' as const,
  product: 'Azure Kubernetes Service',
  title: 'Node pool fails to scale',
  description: 'Scaling the user node pool from 3 to 5 nodes fails with a quota error.',
  severity: 'B' as const,
  contact: { name: 'Bench', email: 'bench@bench.example', phone: null },
};

/** `--name value` from the command line. */
export function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

export function synchronousArg(): 'FULL' | 'NORMAL' {
  const value = arg('--synchronous', 'FULL').toUpperCase();
  if (value !== 'FULL' && value !== 'NORMAL') throw new Error('--synchronous must be FULL or NORMAL');
  return value;
}

/** A new SQLite file with the organisation imported; `close` removes it. */
export async function freshStore(options: {
  synchronous: 'FULL' | 'NORMAL';
  readCache?: boolean;
}): Promise<{ store: SqliteStore; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-bench-'));
  const store = SqliteStore.open(path.join(dir, 'bench.sqlite'), options);
  await importOrganisation(store, clock, doc);
  return {
    store,
    close: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The row work's statements, prepared on the store's connection. */
export function rawStatements(db: Database.Database) {
  return {
    org: db.prepare('SELECT * FROM organisations WHERE tenant_id = ?'),
    user: db.prepare('SELECT * FROM users WHERE tenant_id = ? AND aad_object_id = ?'),
    byKey: db.prepare('SELECT * FROM incidents WHERE tenant_id = ? AND idempotency_key = ?'),
    offers: db.prepare('SELECT * FROM membership_offers WHERE tenant_id = ? ORDER BY seq'),
    benefits: db.prepare('SELECT * FROM benefits WHERE tenant_id = ? ORDER BY seq'),
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
export type RawStatements = ReturnType<typeof rawStatements>;

/** The incident row's values after its id (the statement above fixes plan, kind, severity, state). */
export const incidentRow = (key: string, id: string, now: string) =>
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

/**
 * The denominator of bench:services' ratio: the row work in one synchronous better-sqlite3
 * IMMEDIATE transaction per incident (`open(key)`).
 */
export function rawOpen(db: Database.Database): (key: string) => void {
  const q = rawStatements(db);
  const open = db.transaction((key: string) => {
    q.org.get(TENANT);
    q.user.get(TENANT, USER);
    if (q.byKey.get(TENANT, key)) return;
    q.offers.all(TENANT);
    q.benefits.all(TENANT);
    if (!q.consume.get(TENANT, BENEFIT)) throw new Error('quota');
    const id = newIncidentId();
    const now = new Date().toISOString();
    q.insert.run(...incidentRow(key, id, now));
    q.audit.run(TENANT, USER, 'incident.opened', id, JSON.stringify({ plan: 'signatureCloudSupport' }), now);
  });
  return (key) => open.immediate(key);
}
