/**
 * The store's queries on one better-sqlite3 connection: every query prepared once when the store
 * opens, run synchronously (better-sqlite3 is) behind the async interface the repositories share
 * with PostgreSQL. SQLite holds JSON as text and roles as comma-separated text.
 */
import type Database from 'better-sqlite3';
import type { Codec, Executor } from '../queries/executor';
import type { Query } from '../queries/prepared';
import type { StoredJson, StoredList } from '../queries/schema';
import { compileStoreQueries, type StoreQueries } from '../queries/storeQueries';

export const sqliteCodec: Codec = {
  json: (value) => JSON.stringify(value),
  fromJson: <T>(stored: StoredJson) => JSON.parse(stored as string) as T,
  list: (items) => items.join(','),
  fromList: (stored: StoredList) => (stored === '' ? [] : (stored as string).split(',')),
  inList: (items) => JSON.stringify(items),
  storedText: (text) => text,
};

export class SqliteExecutor implements Executor {
  readonly engine = 'sqlite';
  readonly codec = sqliteCodec;
  readonly q: StoreQueries;
  /** Each query's statement, by the query's name. */
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();

  /** `q`: queries already compiled for another connection to the same database (they are the same). */
  constructor(db: Database.Database, q: StoreQueries = compileStoreQueries('sqlite')) {
    this.q = q;
    for (const { name, sql } of Object.values(this.q)) this.statements.set(name, db.prepare(sql));
  }

  async rows<P, R>(query: Query<P, R>, values: P): Promise<R[]> {
    return this.statement(query).all(query.parameters(values)) as R[];
  }

  async row<P, R>(query: Query<P, R>, values: P): Promise<R | null> {
    return (this.statement(query).get(query.parameters(values)) as R | undefined) ?? null;
  }

  async count<P, R>(query: Query<P, R>, values: P): Promise<number> {
    return this.statement(query).run(query.parameters(values)).changes;
  }

  private statement<P, R>(query: Query<P, R>): Database.Statement<unknown[]> {
    return this.statements.get(query.name)!;
  }
}
