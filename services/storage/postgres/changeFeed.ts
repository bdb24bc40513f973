/**
 * PostgreSQL's side of the read cache (ChangeFeed, ../readCache.ts): which scopes were changed
 * since the last answer, by any instance. Triggers write every commit's scopes into change_log
 * with the writing transaction's id (migration 0002; a TRUNCATE writes a marker, migration 0003,
 * answered with 'everything'). Each answer is one statement on a connection of the feed's own:
 * its snapshot, and the rows of the transactions it sees committed that the previous answer's
 * snapshot did not. Snapshots, not row numbers: transactions commit in
 * another order than they numbered their rows, and a row numbered earlier may become visible later.
 *
 * Why not LISTEN/NOTIFY alone: a notification arrives some time after its commit is visible, and a
 * lookup meanwhile would answer from before the commit. The round trip per lookup is what "never
 * older than the database" costs; lookups waiting together share one (bench:readcache-pg: about
 * 0.2 ms, against about 1.2 ms to read a benefits view).
 *
 * Its connection lost: the answer is 'unknown' (the cache empties and keeps nothing), and a new
 * connection is tried at most once a second; the first answer on it picks up from the last
 * snapshot, so nothing committed meanwhile is missed.
 */
import type pg from 'pg';
import type { ChangeFeed, Changes } from '../readCache';
import { newClient, type ConnectionOptions } from './connections';

const CHECK = `
  SELECT pg_current_snapshot()::text AS now,
         (SELECT through FROM change_log_pruned)::text AS pruned,
         coalesce((SELECT array_agg(DISTINCT scope) FROM change_log
                    WHERE xid >= pg_snapshot_xmin($1::pg_snapshot)
                      AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot)), '{}') AS scopes`;

/** What migration 0003's trigger logs for a TRUNCATE: it sees no rows, so which scopes is unknown. */
const TRUNCATED = '*';

const RECONNECT_EVERY_MS = 1_000;

export class PostgresChangeFeed implements ChangeFeed {
  private client: pg.Client | null = null;
  /** The snapshot of the last answer: everything committed in it has been reported. */
  private horizon: string | null = null;
  private running: Promise<Changes> | null = null;
  /** The answer lookups arriving during `running` wait for: asked once `running` is over. */
  private queued: Promise<Changes> | null = null;
  private nextTry = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly connection: ConnectionOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Connects and takes the first snapshot (the cache starts empty: nothing to report). */
  async start(): Promise<void> {
    await this.ask();
  }

  changes(): Promise<Changes> {
    if (!this.running) return this.ask();
    this.queued ??= this.running.then(() => {
      this.queued = null;
      return this.ask();
    });
    return this.queued;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.running, this.queued]);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private ask(): Promise<Changes> {
    const answer = this.check();
    this.running = answer;
    void answer.finally(() => {
      if (this.running === answer) this.running = null;
    });
    return answer;
  }

  private async check(): Promise<Changes> {
    const client = await this.connected();
    if (!client) return 'unknown';
    try {
      // Named: prepared once on this connection, not parsed and planned before every lookup.
      const { rows } = await client.query<{ now: string; pruned: string; scopes: string[] }>({
        name: 'psb_change_feed_check',
        text: CHECK,
        values: [this.horizon],
      });
      const { now, pruned, scopes } = rows[0];
      const previous = this.horizon;
      this.horizon = now;
      if (previous === null) return 'everything';
      // Rows this feed never read were pruned: which scopes they changed is lost.
      if (BigInt(pruned) > BigInt(previous.split(':')[0])) return 'everything';
      if (scopes.includes(TRUNCATED)) return 'everything';
      return scopes;
    } catch {
      this.lose(client);
      return 'unknown';
    }
  }

  private async connected(): Promise<pg.Client | null> {
    if (this.client) return this.client;
    if (this.closed || this.now() < this.nextTry) return null;
    this.nextTry = this.now() + RECONNECT_EVERY_MS;
    const client = newClient(this.url, this.connection);
    client.on('error', () => this.lose(client));
    client.on('end', () => this.lose(client));
    try {
      await client.connect();
    } catch {
      return null;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return null;
    }
    this.client = client;
    return client;
  }

  private lose(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
  }
}

/**
 * Keeps the log short: forgets all but the newest `keep` rows' transactions, and marks how far
 * (one statement: no reader sees rows gone without the mark). Run by a store now and then, outside
 * its units of work; a feed whose last snapshot is older than the mark drops its whole cache once.
 */
export async function pruneChangeLog(pool: pg.Pool, keep: number): Promise<void> {
  await pool.query(
    `WITH mark AS (SELECT xid FROM change_log ORDER BY seq DESC OFFSET $1 LIMIT 1),
          moved AS (UPDATE change_log_pruned SET through = greatest(through, (SELECT xid FROM mark))
                     WHERE EXISTS (SELECT 1 FROM mark) RETURNING through)
     DELETE FROM change_log WHERE xid < (SELECT through FROM moved)`,
    [keep],
  );
}
