/**
 * The PostgreSQL test harness (tests/helpers/postgres.ts) itself: a real server on loopback,
 * a database per suite, concurrent sessions, a clean stop, and what happens without binaries.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT } from '../services/config';
import { startPostgresCluster, usePostgresDatabase } from './helpers/postgres';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL test harness', () => {
  const db = usePostgresDatabase();

  it('gives the suite its own database on a loopback-only server tuned for tests', async () => {
    const [row] = await query<{ db: string; listen: string; fsync: string }>(
      db.url,
      "SELECT current_database() AS db, current_setting('listen_addresses') AS listen, current_setting('fsync') AS fsync",
    );
    expect(row).to.deep.equal({ db: db.name, listen: '127.0.0.1', fsync: 'off' });
  });

  it('serves many sessions at once: separate backends, and one waits for another’s lock', async () => {
    const pool = db.pool(20);
    const clients = await Promise.all(Array.from({ length: 20 }, () => pool.connect()));
    try {
      const pids = await Promise.all(
        clients.map(
          async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid,
        ),
      );
      expect(new Set(pids).size).to.equal(20);
      const [holder, other] = clients;
      await holder.query('SELECT pg_advisory_lock(42)');
      const taken = await other.query<{ got: boolean }>('SELECT pg_try_advisory_lock(42) AS got');
      expect(taken.rows[0].got).to.equal(false);
      // A blocking wait ends when the holder lets go: two sessions really run side by side.
      const waiting = other.query('SELECT pg_advisory_lock(42)');
      await holder.query('SELECT pg_advisory_unlock(42)');
      await waiting;
      const held = await holder.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 42 AND granted",
      );
      expect(held.rows[0].n).to.equal('1');
      await other.query('SELECT pg_advisory_unlock(42)');
    } finally {
      for (const c of clients) c.release();
    }
  });

  describe('another suite', () => {
    const second = usePostgresDatabase();

    it('has a database of its own: tables of one suite are not seen by another', async () => {
      expect(second.name).to.not.equal(db.name);
      await query(db.url, 'CREATE TABLE only_in_first (id int)');
      const seen = await query<{ n: string }>(
        second.url,
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'only_in_first'",
      );
      expect(seen[0].n).to.equal('0');
    });
  });

  it('starts and stops a cluster of its own: after stop the port refuses and the folder is gone', async function () {
    this.timeout(90_000);
    const cluster = await startPostgresCluster();
    const [row] = await query<{ one: number }>(cluster.url('postgres'), 'SELECT 1 AS one');
    expect(row.one).to.equal(1);
    await cluster.stop();
    const refused = await query(cluster.url('postgres'), 'SELECT 1').then(
      () => null,
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(refused).to.equal('ECONNREFUSED');
    expect(fs.existsSync(cluster.dir)).to.equal(false);
    await cluster.stop(); // a second stop is harmless
  });
});

describe('PostgreSQL test harness without PostgreSQL binaries', () => {
  const probe = (env: Record<string, string>) =>
    spawnSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'node_modules/mocha/bin/mocha.js'),
        '--no-config',
        '--reporter',
        'dot',
        path.join(PROJECT_ROOT, 'dist/tests/helpers/postgresSkipProbe.js'),
      ],
      // PG_BIN names a folder without them: the harness looks nowhere else.
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', PG_BIN: '/nonexistent', ...env },
      },
    );

  it('skips PostgreSQL suites with one line saying how to install', function () {
    this.timeout(30_000);
    const run = probe({});
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    const lines = run.stdout.split('\n').filter((l) => l.includes('PostgreSQL tests skipped'));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('apt-get install postgresql-15');
    expect(run.stdout).to.match(/2 pending/);
  });

  it('fails loudly when REQUIRE_POSTGRES=1', function () {
    this.timeout(30_000);
    const run = probe({ REQUIRE_POSTGRES: '1' });
    expect(run.status).to.not.equal(0);
    expect(run.stdout + run.stderr).to.include('REQUIRE_POSTGRES=1 but no PostgreSQL server binaries');
  });
});
