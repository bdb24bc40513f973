/**
 * One holder among the instances on a PostgreSQL database: a session advisory lock
 * (`pg_try_advisory_lock`) held on a connection of its own, outside the pool.
 *
 * The lock lives as long as that connection: when the holding process dies (crash, kill -9,
 * machine gone) the server ends its session and releases the lock, and the next standby's try
 * takes it. A holder whose connection errors or ends stops leading at once (it cannot know
 * whether the server still counts it), and tries again on a new connection.
 */
import pg from 'pg';
import type { Election } from '../election';
import { connectionSpent } from './connectionFaults';
import { newClient, type ConnectionOptions } from './connections';

/** The alert dispatcher's lock: a fixed key, distinct from the Migrator's. */
export const ALERT_DISPATCHER_LOCK = 7_311_110_011;

export interface AdvisoryElectionOptions {
  /** Told when the lock's connection fails (the holder then stands by). */
  onConnectionError?: (err: Error) => void;
  /** Timeouts and login, as the store's (connections.ts). */
  connection?: ConnectionOptions;
}

export class AdvisoryLockElection implements Election {
  private client: pg.Client | null = null;
  private held = false;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly key: number = ALERT_DISPATCHER_LOCK,
    private readonly options: AdvisoryElectionOptions = {},
  ) {}

  async lead(): Promise<boolean> {
    if (this.closed) return false;
    if (this.held) return true;
    const client = this.client ?? (await this.connect());
    let rows: { locked: boolean }[];
    try {
      ({ rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        this.key,
      ]));
    } catch (err) {
      // No answer in time (query_timeout) or a dead socket: the statement may still be queued on this
      // connection, and every later try would wait behind it. It is thrown away (its session, and a
      // lock it may yet take, end with it) and the next try connects anew, as the store's pool does.
      if (connectionSpent(err)) this.discard(client, err as Error);
      throw err;
    }
    // A failure meanwhile (the 'error' handler) dropped this client: what it answered no longer counts.
    this.held = this.client === client && rows[0]?.locked === true;
    return this.held;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.drop();
    // Ending the session releases the lock (no explicit unlock needed, and none can be missed).
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    // Keep-alive and timeouts: a peer that vanished or hangs is noticed.
    const client = newClient(this.url, this.options.connection ?? {});
    const lost = (err: Error) => this.discard(client, err);
    client.on('error', lost);
    client.on('end', () => lost(new Error('the advisory lock connection ended')));
    await client.connect();
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new Error('election closed');
    }
    this.client = client;
    return client;
  }

  /** Stops leading on `client` and ends it (pg destroys the socket of a client with a query pending). */
  private discard(client: pg.Client, err: Error): void {
    if (this.client !== client) return;
    this.drop();
    this.options.onConnectionError?.(err);
    void client.end().catch(() => undefined);
  }

  private drop(): void {
    this.client = null;
    this.held = false;
  }
}
