/**
 * The engine is chosen by configuration: DATABASE_URL selects PostgreSQL (several bot instances
 * on one server database); without it, the embedded SQLite file at DATABASE_PATH.
 */
import { alwaysLead, type Election } from './election';
import { AdvisoryLockElection } from './postgres/advisoryElection';
import { databaseUnreachableLine } from './postgres/reachable';
import { PostgresStore, type PostgresStoreOptions } from './postgres/postgresStore';
import type { Store } from './repositories';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqliteStore';

export interface StoreLocation {
  databaseUrl: string | null;
  databasePath: string;
}

/** Thrown when DATABASE_URL's server cannot be reached at start; the message is the one line to print. */
export class DatabaseUnreachableError extends Error {}

export async function openStore(
  where: StoreLocation,
  options: { sqlite?: SqliteStoreOptions; postgres?: PostgresStoreOptions } = {},
): Promise<Store> {
  if (!where.databaseUrl) return SqliteStore.open(where.databasePath, options.sqlite);
  // One clear line naming DATABASE_URL (password redacted) rather than the driver's error.
  const unreachable = await databaseUnreachableLine(where.databaseUrl);
  if (unreachable) throw new DatabaseUnreachableError(unreachable);
  return PostgresStore.open(where.databaseUrl, options.postgres);
}

/** A test's or worker's database address: a postgres:// URL or a SQLite file path. */
export function locationOf(address: string): StoreLocation {
  return /^postgres(ql)?:\/\//.test(address)
    ? { databaseUrl: address, databasePath: '' }
    : { databaseUrl: null, databasePath: address };
}

/**
 * The election of the one alert dispatcher among the instances on this database: a PostgreSQL
 * advisory lock, or on SQLite (one file, one machine) every dispatcher, sharing work by leases.
 */
export function openElection(where: StoreLocation, onConnectionError?: (err: Error) => void): Election {
  return where.databaseUrl
    ? new AdvisoryLockElection(where.databaseUrl, undefined, { onConnectionError })
    : alwaysLead;
}
