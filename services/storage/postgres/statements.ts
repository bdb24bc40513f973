/**
 * Running statements inside one PostgreSQL unit of work: named (so each connection prepares a
 * statement once and reuses it), and watched for the errors that mean "run the unit again".
 */
import type pg from 'pg';
import { withoutNul } from '../storedText';
import { unreachableKind } from './connectionFaults';

/** SQLSTATEs after which a unit of work is rolled back and run again on fresh data. */
const RETRYABLE = new Set([
  '40001', // serialization_failure: another unit of work changed what this one read
  '40P01', // deadlock_detected
]);

export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/** One unit of work's connection; `mustRetry` and `lost` stay set even if the work catches the error. */
export class Statements {
  mustRetry = false;
  /** The connection failed under a statement: whatever the work made of it, the database was unreachable. */
  lost: Error | null = null;

  constructor(private readonly client: pg.PoolClient) {}

  async run(name: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await this.client.query({ name: `psb_${name}`, text, values: values.map(withoutNulIn) });
    } catch (err) {
      // A unit of work that catches this (to turn it into its own error) must not be committed
      // as if nothing happened: PostgreSQL has aborted the transaction anyway.
      if (isRetryable(err)) this.mustRetry = true;
      else if (unreachableKind(err)) this.lost = err as Error;
      throw err;
    }
  }

  async rows(name: string, text: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.run(name, text, values)).rows as Row[];
  }

  async row(name: string, text: string, values: unknown[] = []): Promise<Row | null> {
    return ((await this.run(name, text, values)).rows[0] as Row | undefined) ?? null;
  }

  async count(name: string, text: string, values: unknown[] = []): Promise<number> {
    return (await this.run(name, text, values)).rowCount ?? 0;
  }
}

/** U+0000 replaced (../storedText.ts), in a text parameter or a list's texts. */
function withoutNulIn(value: unknown): unknown {
  if (typeof value === 'string') return withoutNul(value);
  if (Array.isArray(value)) return value.map(withoutNulIn);
  return value;
}

/** JSON for a jsonb parameter, with U+0000 in keys and strings replaced as above. */
export function jsonb(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return withoutNul(v);
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k !== withoutNul(k)))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [withoutNul(k), x]));
    return v;
  });
}

/** A row as pg returns it once the store's type parsers ran (postgresStore.ts). */
export type Row = Record<string, unknown>;
