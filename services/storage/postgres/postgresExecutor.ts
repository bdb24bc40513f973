/**
 * The store's queries in one PostgreSQL unit of work: named statements on its connection
 * (Statements: prepared once per connection, U+0000 replaced, conflicts noted for a re-run).
 * PostgreSQL holds JSON as jsonb (pg parses it), roles as text[], lists as arrays.
 */
import type { Codec, Executor } from '../queries/executor';
import type { Query } from '../queries/prepared';
import type { StoredJson, StoredList } from '../queries/schema';
import type { StoreQueries } from '../queries/storeQueries';
import { withoutNul } from '../storedText';
import { jsonb, type Statements } from './statements';

export const postgresCodec: Codec = {
  json: jsonb,
  fromJson: <T>(stored: StoredJson) => stored as T,
  list: (items) => items,
  fromList: (stored: StoredList) => stored as string[],
  inList: (items) => items,
  storedText: withoutNul,
};

export class PostgresExecutor implements Executor {
  readonly engine = 'postgres';
  readonly codec = postgresCodec;

  constructor(
    /** Compiled for PostgreSQL once, when the store opened. */
    readonly q: StoreQueries,
    private readonly db: Statements,
  ) {}

  async rows<P, R>(query: Query<P, R>, values: P): Promise<R[]> {
    return (await this.db.rows(query.name, query.sql, query.parameters(values))) as R[];
  }

  async row<P, R>(query: Query<P, R>, values: P): Promise<R | null> {
    return (await this.db.row(query.name, query.sql, query.parameters(values))) as R | null;
  }

  count<P, R>(query: Query<P, R>, values: P): Promise<number> {
    return this.db.count(query.name, query.sql, query.parameters(values));
  }
}
