/**
 * The engine is chosen by configuration: DATABASE_URL selects PostgreSQL (several bot instances
 * on one server database); without it, the embedded SQLite file at DATABASE_PATH.
 */
import type { TokenCredential } from '@azure/identity';
import type { DatabaseAuth } from '../config';
import { defaultAzureCredential, managedIdentityCredential } from '../net/azureIdentity';
import { alwaysLead, type Election } from './election';
import type { ConnectionOptions } from './postgres/connections';
import { EntraPassword } from './postgres/entraPassword';
import { AdvisoryLockElection } from './postgres/advisoryElection';
import { databaseUnreachableLine } from './postgres/reachable';
import { PostgresStore, type PostgresStoreOptions } from './postgres/postgresStore';
import type { Store } from './repositories';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqliteStore';

export interface StoreLocation {
  databaseUrl: string | null;
  databasePath: string;
  /** PostgreSQL: how to log in (default DATABASE_URL's password) and the statement time limit (default 5 s). */
  databaseAuth?: DatabaseAuth;
  databaseStatementTimeoutMs?: number;
}

/**
 * How this process connects to PostgreSQL: timeouts, and with DATABASE_AUTH=entra-… a token as
 * each new connection's password. Build it once per process and hand it to openStore and
 * openElection, so that they share one token. `credential` replaces the configured one (tests:
 * a managed identity must never be constructed there).
 */
export function postgresConnection(where: StoreLocation, credential?: TokenCredential): ConnectionOptions {
  const auth = where.databaseAuth ?? { kind: 'password' };
  const connection: ConnectionOptions = { statementTimeoutMs: where.databaseStatementTimeoutMs };
  if (auth.kind === 'password') return connection;
  const entra =
    credential ??
    (auth.kind === 'entra-managed-identity'
      ? managedIdentityCredential(auth.clientId)
      : defaultAzureCredential(auth.clientId));
  return { ...connection, password: new EntraPassword(entra).password };
}

/** Thrown when DATABASE_URL's server cannot be reached at start; the message is the one line to print. */
export class DatabaseUnreachableError extends Error {}

export async function openStore(
  where: StoreLocation,
  options: { sqlite?: SqliteStoreOptions; postgres?: PostgresStoreOptions } = {},
): Promise<Store> {
  if (!where.databaseUrl) return SqliteStore.open(where.databasePath, options.sqlite);
  const postgres = { ...(options.postgres?.password ? {} : postgresConnection(where)), ...options.postgres };
  // One clear line naming DATABASE_URL (password redacted) rather than the driver's error.
  const unreachable = await databaseUnreachableLine(where.databaseUrl, { password: postgres.password });
  if (unreachable) throw new DatabaseUnreachableError(unreachable);
  return PostgresStore.open(where.databaseUrl, postgres);
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
export function openElection(
  where: StoreLocation,
  onConnectionError?: (err: Error) => void,
  connection: ConnectionOptions = postgresConnection(where),
): Election {
  return where.databaseUrl
    ? new AdvisoryLockElection(where.databaseUrl, undefined, { onConnectionError, connection })
    : alwaysLead;
}
