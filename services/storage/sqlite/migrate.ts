import type Database from 'better-sqlite3';
import type { Migration } from './migrations';

/** Applies pending migrations; safe when several processes open the same file at once. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = db.prepare('SELECT version FROM schema_migrations');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  // A table rebuild must not cascade when it drops the old table; the pragma is ignored inside a
  // transaction, so it is set around it, and the keys are checked before COMMIT instead.
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  const pending = () => {
    const done = new Set((applied.all() as { version: number }[]).map((r) => r.version));
    return [...migrations].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version));
  };
  if (enforced && pending().some((m) => m.foreignKeysOff)) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      const todo = pending(); // again, under the write lock: another process may have done them
      for (const m of todo) {
        db.exec(m.sql);
        record.run(m.version, m.name, new Date().toISOString());
      }
      if (todo.some((m) => m.foreignKeysOff) && db.prepare('PRAGMA foreign_key_check').all().length > 0)
        throw new Error(`SQLite migration left rows whose foreign keys do not match`);
    }).immediate();
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
}
