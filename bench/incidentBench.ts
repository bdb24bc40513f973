/**
 * What bench:services and bench:kysely share on SQLite (the organisation and the incident are
 * incidentWork.ts's): a fresh store, and the raw better-sqlite3 statements doing the row work of
 * `IncidentService.open` (caller, idempotency key, offers, benefits, conditional decrement,
 * incident and audit inserts) that both compare against.
 */
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newIncidentId } from '../services/incidents/incidentService';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { BENEFIT, clock, doc, incidentRow, TENANT, USER } from './incidentWork';

export { BENEFIT, incidentRow };

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
