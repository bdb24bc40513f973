/**
 * What the repositories (storeRepositories.ts) run their compiled queries on: one engine's
 * connection. Each engine has one (sqlite/sqliteExecutor.ts, postgres/postgresExecutor.ts); the
 * stored forms that differ between engines are converted here, in the codec, and nowhere else.
 */
import type { EngineName, Query } from './prepared';
import type { StoreQueries } from './storeQueries';
import type { StoredJson, StoredList } from './schema';

/** A list bound as one parameter, for `inList` (storeQueries.ts). */
export type ListParameter = string | readonly (string | number)[];

export interface Codec {
  /** A value for a JSON column. */
  json(value: unknown): string;
  /** A JSON column as read back. */
  fromJson<T>(stored: StoredJson): T;
  /** A value for a list column (users.roles). */
  list(items: readonly string[]): StoredList;
  /** A list column as read back. */
  fromList(stored: StoredList): string[];
  /** A parameter of `inList`. */
  inList(items: readonly (string | number)[]): ListParameter;
  /** A text as a text column keeps it (PostgreSQL replaces U+0000: ../storedText.ts). */
  storedText(text: string): string;
}

export interface Executor {
  readonly engine: EngineName;
  /** This engine's compiled queries. */
  readonly q: StoreQueries;
  readonly codec: Codec;
  rows<P, R>(query: Query<P, R>, values: P): Promise<R[]>;
  /** The first row, or null. */
  row<P, R>(query: Query<P, R>, values: P): Promise<R | null>;
  /** How many rows the statement changed. */
  count<P, R>(query: Query<P, R>, values: P): Promise<number>;
}
