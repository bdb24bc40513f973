/**
 * Personal-chat references change who alerts can reach, not the organisation's views (as
 * SQLite's migration 7): every new person's first message opens a personal chat, and under the
 * organisation's scope it dropped every cached view of the organisation in every instance
 * (services/storage/scopes.ts: reachScope). Replaces migration 0002's trigger functions of
 * conversation_references; the triggers call them by name and stay. Frozen with the migration.
 */
import { sql, type Kysely } from 'kysely';

const EVENTS = [
  ['insert', ['new_rows']],
  ['update', ['old_rows', 'new_rows']],
  ['delete', ['old_rows']],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [event, rowSets] of EVENTS) {
    const scopes = rowSets
      .flatMap((rows) => [
        `SELECT 'reach:' || tenant_id FROM ${rows} WHERE scope = 'personal'`,
        `SELECT 'conversation:' || tenant_id || ':' || conversation_id FROM ${rows}`,
      ])
      .join(' UNION ');
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION change_log_conversation_references_${event}() RETURNS trigger
         LANGUAGE plpgsql AS $$
         BEGIN
           INSERT INTO change_log (scope) ${scopes};
           RETURN NULL;
         END $$`,
      )
      .execute(db);
  }
}
