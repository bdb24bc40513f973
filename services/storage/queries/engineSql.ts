/**
 * The SQL that must differ between SQLite and PostgreSQL, each piece in one place with its
 * engine switch (issue 11). The queries (storeQueries.ts, alertQueries.ts) use these and are
 * otherwise the same text on both; the one other switch is the shape of claiming deliveries
 * (alertQueries.ts, deliveryClaim: PostgreSQL's FOR UPDATE SKIP LOCKED).
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { ListParameter } from './executor';
import type { EngineName } from './prepared';

/** ORDER BY name in byte order on both: SQLite compares text bytewise, PostgreSQL does so in "C". */
export const byName = (engine: EngineName) => (engine === 'postgres' ? sql`name collate "C"` : sql`name`);

/**
 * `column IN (the list)` with the list bound as one parameter (the statement is prepared once
 * for any length): PostgreSQL binds an array (`= any`), SQLite a JSON array that json_each
 * unpacks. Codec.inList makes either.
 */
export function inList(engine: EngineName, column: string, list: Expression<ListParameter>) {
  return engine === 'postgres'
    ? sql<SqlBool>`${sql.ref(column)} = any(${list})`
    : sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${list}))`;
}

/** The person has `role`: roles are text[] on PostgreSQL, comma-separated text on SQLite. */
export const hasRole = (engine: EngineName, role: Expression<string>) =>
  engine === 'postgres'
    ? sql<SqlBool>`${role} = any(roles)`
    : sql<SqlBool>`instr(',' || roles || ',', ',' || ${role} || ',') > 0`;

/**
 * The clock leases expire by. PostgreSQL's own (`now()`): instances whose clocks differ still
 * agree on it. SQLite is one file on one machine: the dispatcher's `now`. Due-ness
 * (next_attempt_at) stays on the dispatcher's clock, which wrote it.
 */
export const leaseClock = (engine: EngineName, now: Expression<string>) =>
  engine === 'postgres' ? sql<string>`now()` : now;

/** When a lease taken now ends: `leaseMs` after the server's now() on PostgreSQL, `until` on SQLite. */
export const leaseEnd = (engine: EngineName, leaseMs: Expression<number>, until: Expression<string>) =>
  engine === 'postgres'
    ? sql<string>`now() + make_interval(secs => ${leaseMs}::double precision / 1000)`
    : until;
