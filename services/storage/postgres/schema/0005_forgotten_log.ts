/**
 * Rows deleted from the change log itself, by hand: a DELETE or TRUNCATE of change_log would take
 * changes no instance had read yet with it, and their cached reads would stay. Either now logs
 * migration 0003's marker, which the feed (postgres/changeFeed.ts) answers with 'everything'.
 * The pruner (pruneChangeLog) moves the mark first and deletes only rows before it, so its own
 * deletions log nothing. Frozen with the migration.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE FUNCTION change_log_forgotten() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM forgotten WHERE xid >= (SELECT through FROM change_log_pruned)) THEN
        INSERT INTO change_log (scope) VALUES ('*');
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER change_log_delete AFTER DELETE ON change_log
    REFERENCING OLD TABLE AS forgotten
    FOR EACH STATEMENT EXECUTE FUNCTION change_log_forgotten()`.execute(db);
  await sql`CREATE TRIGGER change_log_truncate AFTER TRUNCATE ON change_log
    FOR EACH STATEMENT EXECUTE FUNCTION change_log_truncate()`.execute(db);
}
