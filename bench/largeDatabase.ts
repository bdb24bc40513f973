/**
 * bench:bot (e): the bot's database grown to 10,000 organisations and 1,000,000 incidents, and the
 * query plans of the statements a question turn runs on it.
 *
 * Generated with direct SQL in one transaction (not through the services: 1,000,000 incidents
 * through IncidentService.open would take minutes): the organisations the bench's people belong to
 * are imported first with importOrganisation as usual; the others are copies of the first one's
 * users, offers and benefits under new tenant ids; the incidents are spread evenly, 100 per
 * organisation (the asking organisations included), counted against each organisation's
 * unlimited Signature Cloud Support benefit, one in five still open.
 */
import Database from 'better-sqlite3';
import { tenantOf, type Population } from './population';

export interface LargeDatabase {
  organisations: number;
  incidents: number;
}

export const LARGE: LargeDatabase = { organisations: 10_000, incidents: 1_000_000 };

/** Columns of a table except tenant_id, in order. */
function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
    .map((c) => c.name)
    .filter((c) => c !== 'tenant_id' && c !== 'seq'); // seq: each copy gets its own
}

/** Adds organisations and incidents to a database that already holds the population; returns seconds taken. */
export function growDatabase(file: string, p: Population, size: LargeDatabase = LARGE): number {
  const started = Date.now();
  const db = new Database(file, { timeout: 60_000 });
  try {
    db.pragma('cache_size = -262144'); // 256 MB of page cache for this one bulk write
    db.pragma('foreign_keys = ON');
    const template = tenantOf(0);
    const perOrg = size.incidents / size.organisations;
    const hex = (expr: string) => `printf('%s%012x', '6f2c8a10-0000-4000-8000-', ${expr})`;
    db.transaction(() => {
      db.exec('CREATE TEMP TABLE extra (n INTEGER PRIMARY KEY, tenant TEXT NOT NULL)');
      db.prepare(
        `WITH RECURSIVE s(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM s WHERE n + 1 < ?)
         INSERT INTO extra SELECT n, ${hex('n + 1')} FROM s`,
      ).run(p.organisations, size.organisations);
      db.prepare(
        `INSERT INTO organisations (tenant_id, mpn_id, name, created_at)
         SELECT e.tenant, 5000000 + e.n, 'Bench Partner ' || e.n, o.created_at
         FROM extra e, organisations o WHERE o.tenant_id = ? ORDER BY e.n`,
      ).run(template);
      for (const table of ['users', 'membership_offers', 'benefits']) {
        const cols = columns(db, table);
        db.prepare(
          `INSERT INTO ${table} (tenant_id, ${cols.join(', ')})
           SELECT e.tenant, ${cols.map((c) => `t.${c}`).join(', ')}
           FROM extra e, ${table} t WHERE t.tenant_id = ? ORDER BY e.n, t.rowid`,
        ).run(template);
      }
      // Incidents in key order (organisation, then number): the indexes grow at their ends.
      // Openers: the organisation's own people (copies of the first organisation's for the added ones).
      db.prepare(
        `WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n + 1 < @incidents)
         INSERT INTO incidents (tenant_id, id, benefit_id, plan, kind, product, title, description, severity,
           contact_name, contact_email, contact_phone, state, opened_by, opened_at, closed_by, closed_at, idempotency_key)
         SELECT ${hex('n / @perOrg + 1')}, printf('INC-B%07d', n),
           'gold-cloud-platform.signatureCloudSupport', 'signatureCloudSupport', 'cloud',
           'Azure App Service', 'Slow responses after deployment ' || n,
           'Requests take 30 s after the last deployment; the logs show thread pool starvation.',
           char(65 + n % 3), 'Person', 'person@example.com', NULL,
           CASE WHEN n % 5 = 0 THEN 'open' ELSE 'closed' END,
           printf('00000000-0000-4000-9000-%012x',
             CASE WHEN n / @perOrg < @people THEN (n / @perOrg) * @perPerson + n % @perPerson + 1
                  ELSE n % @perPerson + 1 END),
           strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d minutes', (@perOrg - n % @perOrg) * 1000 + 60)),
           CASE WHEN n % 5 = 0 THEN NULL ELSE 'system:bench' END,
           CASE WHEN n % 5 = 0 THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d minutes', (@perOrg - n % @perOrg) * 1000)) END,
           'bulk-' || n
         FROM s`,
      ).run({
        incidents: size.incidents,
        perOrg,
        people: p.organisations,
        perPerson: p.peoplePerOrganisation,
      });
      db.prepare(
        `UPDATE benefits SET used = used + ? WHERE id = 'gold-cloud-platform.signatureCloudSupport'`,
      ).run(perOrg);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    return (Date.now() - started) / 1000;
  } finally {
    db.close();
  }
}

/** Row counts, to print with the figures. */
export function counts(file: string): { organisations: number; incidents: number } {
  const db = new Database(file, { readonly: true });
  try {
    const n = (t: string) => Number(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get());
    return { organisations: n('organisations'), incidents: n('incidents') };
  } finally {
    db.close();
  }
}
