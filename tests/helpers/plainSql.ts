/**
 * A write (or a read) in plain SQL on a connection of its own, as an operator's psql or sqlite3 shell would:
 * no store, no read cache. Statements use `?` placeholders on both engines.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export async function plainSql(address: string, statement: string, ...params: string[]): Promise<void> {
  await run(address, statement, params, false);
}

/** The rows a query in plain SQL returns, read the same way: everything in a table, not only what a test named. */
export function plainRows<T>(address: string, query: string, ...params: string[]): Promise<T[]> {
  return run(address, query, params, true) as Promise<T[]>;
}

async function run(address: string, statement: string, params: string[], rows: boolean): Promise<unknown[]> {
  if (!/^postgres(ql)?:\/\//.test(address)) {
    const db = new Database(address);
    try {
      const prepared = db.prepare(statement);
      if (rows) return prepared.all(...params);
      prepared.run(...params);
      return [];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: address });
  await client.connect();
  try {
    let n = 0;
    const result = await client.query(
      statement.replace(/\?/g, () => `$${++n}`),
      params,
    );
    return result.rows as unknown[];
  } finally {
    await client.end();
  }
}
