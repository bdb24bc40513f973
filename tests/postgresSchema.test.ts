/**
 * The PostgreSQL schema (issue 11) on a real server: instances starting together migrate once,
 * the columns have PostgreSQL's own types, and the database refuses what SQLite refuses.
 */
import { expect } from 'chai';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import {
  migratePostgres,
  MigrationError,
  POSTGRES_MIGRATIONS,
} from '../services/storage/postgres/schema/migrate';
import { usePostgresDatabase } from './helpers/postgres';

const TENANT = '11111111-2222-4333-8444-555555555555';

describe('PostgreSQL schema', () => {
  const db = usePostgresDatabase();
  /** A bot instance's own connection pool. */
  const instance = () => {
    const k = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url, max: 3 }) }),
    });
    db.beforeDrop(() => k.destroy());
    return k;
  };

  it('8 instances migrating at once: exactly one applies each migration, the others wait and find it done', async function () {
    this.timeout(60_000);
    const applied = await Promise.all(Array.from({ length: 8 }, () => migratePostgres(instance())));
    const names = Object.keys(POSTGRES_MIGRATIONS);
    expect(applied.flat().sort()).to.deep.equal(names);
    expect(applied.filter((a) => a.length > 0)).to.have.length(1);
    const pool = db.pool(1);
    const recorded = await pool.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    expect(recorded.rows.map((r) => r.name)).to.deep.equal(names);
    // Once more (a restart): nothing to do.
    expect(await migratePostgres(instance())).to.deep.equal([]);
  });

  it('uses PostgreSQL types: identity, jsonb, timestamptz, date, text[]', async () => {
    const pool = db.pool(1);
    const { rows } = await pool.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_identity: string;
    }>(
      `SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns
       WHERE table_schema = 'public' AND (table_name, column_name) IN (
         ('users', 'roles'), ('bot_state', 'data'), ('conversation_references', 'reference'), ('audit_log', 'details'),
         ('alert_outbox', 'payload'), ('incidents', 'opened_at'), ('alert_deliveries', 'lease_until'),
         ('membership_offers', 'expires_on'), ('audit_log', 'id'), ('alert_deliveries', 'id'), ('benefits', 'seq'))
       ORDER BY table_name, column_name`,
    );
    expect(
      rows.map(
        (r) =>
          `${r.table_name}.${r.column_name}: ${r.data_type}${r.is_identity === 'YES' ? ' identity' : ''}`,
      ),
    ).to.deep.equal([
      'alert_deliveries.id: bigint identity',
      'alert_deliveries.lease_until: timestamp with time zone',
      'alert_outbox.payload: jsonb',
      'audit_log.details: jsonb',
      'audit_log.id: bigint identity',
      'benefits.seq: bigint identity',
      'bot_state.data: jsonb',
      'conversation_references.reference: jsonb',
      'incidents.opened_at: timestamp with time zone',
      'membership_offers.expires_on: date',
      'users.roles: ARRAY',
    ]);
  });

  it('refuses a quota past its total (R11, R14) and a repeated idempotency key, as SQLite does', async () => {
    const pool = db.pool(1);
    await pool.query("INSERT INTO organisations VALUES ($1, '1234567', 'Contoso', now())", [TENANT]);
    await pool.query(
      "INSERT INTO membership_offers (tenant_id, id, level, starts_on, expires_on) VALUES ($1, 'gold', 'gold', '2026-01-01', '2026-12-31')",
      [TENANT],
    );
    await pool.query(
      `INSERT INTO benefits (tenant_id, id, offer_id, type, total, used, activation_state)
       VALUES ($1, 'gold.productSupport', 'gold', 'productSupport', 1, 0, 'active')`,
      [TENANT],
    );
    const take = () =>
      pool.query('UPDATE benefits SET used = used + 1 WHERE tenant_id = $1 AND id = $2', [
        TENANT,
        'gold.productSupport',
      ]);
    await take();
    const overQuota = await take().then(
      () => null,
      (err: { code?: string }) => err.code,
    );
    expect(overQuota).to.equal('23514'); // check_violation
    const incident = (id: string) =>
      pool.query(
        `INSERT INTO incidents (tenant_id, id, benefit_id, plan, kind, product, title, description, severity,
           contact_name, contact_email, state, opened_by, opened_at, idempotency_key)
         VALUES ($1, $2, 'gold.productSupport', 'productSupport', 'onPremises', 'SQL Server', 't', 'd', 'B',
           'n', 'e@x.example', 'open', 'u', now(), 'key-1')`,
        [TENANT, id],
      );
    await incident('INC-1');
    const repeated = await incident('INC-2').then(
      () => null,
      (err: { code?: string; constraint?: string }) => `${err.code} ${err.constraint}`,
    );
    expect(repeated).to.equal('23505 incidents_tenant_id_idempotency_key_key'); // unique_violation
    const roles = await pool.query<{ roles: string[] }>(
      "INSERT INTO users VALUES ($1, 'u', 'N', 'n@x.example', 'mpn', $2, NULL) RETURNING roles",
      [TENANT, ['globalAdmin', 'supportLead']],
    );
    expect(roles.rows[0].roles).to.deep.equal(['globalAdmin', 'supportLead']);
  });

  it('a failing migration is reported by name and leaves nothing half-applied (transactional DDL)', async () => {
    const broken = {
      ...POSTGRES_MIGRATIONS,
      // Named to come after every real migration (the Migrator applies them in name order).
      '9999_broken': {
        up: async (k: Kysely<unknown>) => {
          await sql`CREATE TABLE half_done (id int)`.execute(k);
          await sql`SELECT * FROM no_such_table`.execute(k);
        },
      },
    };
    const err = await migratePostgres(instance(), broken).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(MigrationError);
    expect((err as Error).message).to.match(
      /migration 9999_broken failed: relation "no_such_table" does not exist/,
    );
    const pool = db.pool(1);
    const half = await pool.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    expect(half.rowCount).to.equal(0);
  });
});
