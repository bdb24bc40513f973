/**
 * bench:services on PostgreSQL: IncidentService.open on a PostgresStore versus raw `pg`
 * transactions doing the same row work (the same reads, the conditional decrement, the incident
 * and audit inserts), each run on a fresh database of a throwaway cluster (tests/helpers/postgres.ts:
 * loopback, fsync off, so the figures are the work's and not the disk's).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createServices } from '../services/index';
import { newIncidentId } from '../services/incidents/incidentService';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { PostgresStore } from '../services/storage/postgres/postgresStore';
import type { PostgresCluster } from '../tests/helpers/postgres';
import { BENEFIT, clock, doc, incidentRow, openIncidentsPerSecond, TENANT, USER } from './incidentWork';

async function freshDatabase(cluster: PostgresCluster): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const store = await PostgresStore.open(cluster.url(name), { poolSize: 1 });
  await importOrganisation(store, clock, doc);
  await store.close();
  return {
    url: cluster.url(name),
    drop: async () => {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Incidents per second through IncidentService.open (one at a time, as bench:services on SQLite). */
export async function viaServicePostgres(cluster: PostgresCluster, count: number): Promise<number> {
  const db = await freshDatabase(cluster);
  const store = await PostgresStore.open(db.url);
  const rate = await openIncidentsPerSecond(createServices(store, clock), count);
  await store.close();
  await db.drop();
  return rate;
}

/** The same rows with raw `pg`: named (prepared) statements in a plain BEGIN…COMMIT on one connection. */
export async function rawPostgres(cluster: PostgresCluster, count: number): Promise<number> {
  const db = await freshDatabase(cluster);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const q = (name: string, text: string, values: unknown[]) => client.query({ name, text, values });
  const open = async (key: string) => {
    await client.query('BEGIN');
    try {
      await q('org', 'SELECT * FROM organisations WHERE tenant_id = $1', [TENANT]);
      await q('user', 'SELECT * FROM users WHERE tenant_id = $1 AND aad_object_id = $2', [TENANT, USER]);
      const found = await q(
        'byKey',
        'SELECT * FROM incidents WHERE tenant_id = $1 AND idempotency_key = $2',
        [TENANT, key],
      );
      if (found.rowCount) {
        await client.query('COMMIT');
        return;
      }
      await q('offers', 'SELECT * FROM membership_offers WHERE tenant_id = $1 ORDER BY seq', [TENANT]);
      await q('benefits', 'SELECT * FROM benefits WHERE tenant_id = $1 ORDER BY seq', [TENANT]);
      const consumed = await q(
        'consume',
        'UPDATE benefits SET used = used + 1 WHERE tenant_id = $1 AND id = $2 AND (total IS NULL OR used < total) RETURNING used, total',
        [TENANT, BENEFIT],
      );
      if (!consumed.rowCount) throw new Error('quota');
      const id = newIncidentId();
      const now = new Date().toISOString();
      await q(
        'insert',
        `INSERT INTO incidents (tenant_id, id, benefit_id, plan, kind, product, title, description, severity, contact_name,
           contact_email, contact_phone, state, opened_by, opened_at, idempotency_key)
         VALUES ($1, $2, $3, 'signatureCloudSupport', 'cloud', $4, $5, $6, 'B', $7, $8, NULL, 'open', $9, $10, $11)`,
        [...incidentRow(key, id, now)],
      );
      await q(
        'audit',
        'INSERT INTO audit_log (tenant_id, actor, action, subject, details, at) VALUES ($1, $2, $3, $4, $5, $6)',
        [TENANT, USER, 'incident.opened', id, JSON.stringify({ plan: 'signatureCloudSupport' }), now],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  };
  const start = process.hrtime.bigint();
  for (let n = 0; n < count; n++) await open(`raw-${n}-${randomUUID()}`);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await client.end();
  await db.drop();
  return count / seconds;
}
