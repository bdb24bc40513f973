/**
 * Brings a PostgreSQL database to the current schema with Kysely's Migrator. Several bot
 * instances starting together migrate once: the Migrator holds a session-level
 * `pg_advisory_lock` while it reads what is applied and applies the rest, all in one
 * transaction (PostgreSQL's DDL is transactional), so the others wait, then find nothing to do.
 */
import { Migrator, type Kysely, type Migration, type MigrationResult } from 'kysely';
import * as initial from './0001_initial';
import * as changeLog from './0002_change_log';
import * as truncateLog from './0003_truncate_log';
import * as peopleAndReach from './0004_people_and_reach';
import * as forgottenLog from './0005_forgotten_log';

/** In order; a name is never reused or renamed once released (the Migrator records names). */
export const POSTGRES_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_change_log': changeLog,
  '0003_truncate_log': truncateLog,
  '0004_people_and_reach': peopleAndReach,
  '0005_forgotten_log': forgottenLog,
};

export class MigrationError extends Error {
  constructor(
    readonly migration: string | null,
    cause: unknown,
  ) {
    super(
      `PostgreSQL schema migration${migration ? ` ${migration}` : ''} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** Applies what is missing; returns the migrations this call applied (none when another instance did). */
export async function migratePostgres(
  db: Kysely<unknown>,
  migrations: Readonly<Record<string, Migration>> = POSTGRES_MIGRATIONS,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error)
    throw new MigrationError(results.find((r) => r.status === 'Error')?.migrationName ?? null, error);
  return results.filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName);
}
