/**
 * TRUNCATE in the change log: migration 0002's triggers see INSERT, UPDATE and DELETE, but an
 * operator's TRUNCATE fires none of them, and would leave every other instance's read cache
 * answering with rows that are gone. A TRUNCATE trigger sees no rows (it is statement-level
 * only), so it logs a marker that names no scope, which the feed (postgres/changeFeed.ts)
 * answers with 'everything': every cache drops all it holds. Frozen with the migration.
 */
import { sql, type Kysely } from 'kysely';

/** The data tables of migration 0002 (its change log's tables). */
const TABLES = [
  'organisations',
  'users',
  'membership_offers',
  'benefits',
  'incidents',
  'audit_log',
  'alert_settings',
  'alert_mutes',
  'conversation_references',
  'bot_state',
  'alert_outbox',
  'alert_deliveries',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every scope is 'kind:…' (services/storage/scopes.ts): '*' is none of them.
  await sql`CREATE FUNCTION change_log_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO change_log (scope) VALUES ('*');
      RETURN NULL;
    END $$`.execute(db);
  for (const table of TABLES)
    await sql
      .raw(
        `CREATE TRIGGER change_log_${table}_truncate AFTER TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION change_log_truncate()`,
      )
      .execute(db);
}
