/**
 * The change log (as SQLite's migration 5): which scopes (services/storage/scopes.ts) each commit
 * changed, written by triggers on every data table, so that the read caches of every instance
 * drop exactly what a commit changed, whoever wrote it (another instance, the admin CLI, plain
 * SQL). Each row carries its transaction's id: a reader asks for the rows committed between two
 * snapshots (postgres/changeFeed.ts), which is commit order, not the order rows were numbered in.
 *
 * Statement-level triggers with transition tables: one insert into the log per statement, not
 * per row (an organisation import writes many rows). Frozen with the migration: a later change
 * to scopes is a new migration that replaces these functions.
 */
import { sql, type Kysely } from 'kysely';

type Kind = 'org' | 'personalOrg' | 'conversation' | 'state' | 'alerts';

const TABLES: Record<string, Kind[]> = {
  organisations: ['org'],
  users: ['org'],
  membership_offers: ['org'],
  benefits: ['org'],
  incidents: ['org'],
  audit_log: ['org'],
  alert_settings: ['org'],
  alert_mutes: ['org'],
  conversation_references: ['personalOrg', 'conversation'],
  bot_state: ['state'],
  alert_outbox: ['alerts'],
  alert_deliveries: ['alerts'],
};

const SCOPE: Record<Kind, (rows: string) => string> = {
  org: (rows) => `SELECT 'org:' || tenant_id FROM ${rows}`,
  // Who can be reached in a personal chat is the organisation's; a channel's reference only its own.
  personalOrg: (rows) => `SELECT 'org:' || tenant_id FROM ${rows} WHERE scope = 'personal'`,
  conversation: (rows) => `SELECT 'conversation:' || tenant_id || ':' || conversation_id FROM ${rows}`,
  state: (rows) => `SELECT 'state:' || key FROM ${rows}`,
  alerts: (rows) => `SELECT 'alerts:' || tenant_id FROM ${rows}`,
};

const EVENTS = [
  ['insert', 'INSERT', 'REFERENCING NEW TABLE AS new_rows', ['new_rows']],
  ['update', 'UPDATE', 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows', ['old_rows', 'new_rows']],
  ['delete', 'DELETE', 'REFERENCING OLD TABLE AS old_rows', ['old_rows']],
] as const;

function triggers(): string[] {
  return Object.entries(TABLES).flatMap(([table, kinds]) =>
    EVENTS.flatMap(([name, event, referencing, rowSets]) => {
      const scopes = rowSets.flatMap((rows) => kinds.map((k) => SCOPE[k](rows))).join(' UNION ');
      const fn = `change_log_${table}_${name}`;
      return [
        `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           INSERT INTO change_log (scope) ${scopes};
           RETURN NULL;
         END $$`,
        `CREATE TRIGGER ${fn} AFTER ${event} ON ${table} ${referencing}
         FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      ];
    }),
  );
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE change_log (
    seq   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction: its rows become visible, all at once, when it commits.
    xid   xid8 NOT NULL DEFAULT pg_current_xact_id(),
    scope text NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX change_log_by_xid ON change_log (xid)`.execute(db);
  // Pruning forgets rows of transactions before 'through'; a reader whose last snapshot is older drops everything.
  await sql`CREATE TABLE change_log_pruned (
    id      integer PRIMARY KEY CHECK (id = 1),
    through xid8 NOT NULL
  )`.execute(db);
  await sql`INSERT INTO change_log_pruned (id, through) VALUES (1, '0')`.execute(db);
  for (const statement of triggers()) await sql.raw(statement).execute(db);
}
