/**
 * A write in plain SQL on a connection of its own, as an operator's psql or sqlite3 shell would:
 * no store, no read cache. Statements use `?` placeholders on both engines.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export async function plainSql(address: string, statement: string, ...params: string[]): Promise<void> {
  if (!/^postgres(ql)?:\/\//.test(address)) {
    const db = new Database(address);
    try {
      db.prepare(statement).run(...params);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: address });
  await client.connect();
  try {
    let n = 0;
    await client.query(
      statement.replace(/\?/g, () => `$${++n}`),
      params,
    );
  } finally {
    await client.end();
  }
}
