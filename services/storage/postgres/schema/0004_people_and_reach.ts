/**
 * People and personal-chat references get scopes of their own, apart from the organisation's
 * benefits (as SQLite's migration 7; services/storage/scopes.ts: peopleScope, reachScope). Under
 * the organisation's scope, every incident dropped every person's cached reads of the
 * organisation in every instance, and every new person's first message (it opens a personal
 * chat) dropped every cached view of it. Replaces migration 0002's trigger functions of these
 * tables; the triggers call them by name and stay. Frozen with the migration.
 */
import { sql, type Kysely } from 'kysely';

const SCOPES: Record<string, ((rows: string) => string)[]> = {
  organisations: [
    (rows) => `SELECT 'org:' || tenant_id FROM ${rows}`,
    (rows) => `SELECT 'people:' || tenant_id FROM ${rows}`,
  ],
  users: [(rows) => `SELECT 'people:' || tenant_id FROM ${rows}`],
  conversation_references: [
    (rows) => `SELECT 'reach:' || tenant_id FROM ${rows} WHERE scope = 'personal'`,
    (rows) => `SELECT 'conversation:' || tenant_id || ':' || conversation_id FROM ${rows}`,
  ],
};

const EVENTS = [
  ['insert', ['new_rows']],
  ['update', ['old_rows', 'new_rows']],
  ['delete', ['old_rows']],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, scopes] of Object.entries(SCOPES))
    for (const [event, rowSets] of EVENTS) {
      const select = rowSets.flatMap((rows) => scopes.map((scope) => scope(rows))).join(' UNION ');
      await sql
        .raw(
          `CREATE OR REPLACE FUNCTION change_log_${table}_${event}() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             INSERT INTO change_log (scope) ${select};
             RETURN NULL;
           END $$`,
        )
        .execute(db);
    }
}
