/**
 * A throwaway PostgreSQL server for tests: a cluster made with initdb in a temporary folder,
 * listening on 127.0.0.1 only, on a free port, with fsync off (tests only: a crash of the test
 * machine loses nothing anyone needs). As root (CI) the server runs as the `postgres` user,
 * because initdb and postgres refuse root; otherwise as the current user.
 *
 * A test file calls `usePostgresDatabase()` inside its `describe`: it gets a database of its
 * own on the one cluster of the test process (started by the first file that needs it, stopped
 * after the whole run and on process exit), so files never see each other's rows.
 *
 * Without PostgreSQL binaries those files are skipped with one printed line, unless
 * REQUIRE_POSTGRES=1 (CI), which makes it an error.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const INSTALL_HINT = 'apt-get install postgresql-15';

export interface PostgresCluster {
  host: string;
  port: number;
  /** The superuser (trust authentication on loopback). */
  user: string;
  /** The temporary folder holding the data, the socket and the server log. */
  dir: string;
  /** A postgres:// URL for one database of this cluster. */
  url(database: string): string;
  /** The server log so far (for failure messages). */
  log(): string;
  /** `pg_ctl -m fast stop`, then the folder is removed. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server and keeps its data: a database outage, for tests of what the bot does then. */
  pause(): Promise<void>;
  /** Starts a paused server again, on the same port with the same data. */
  resume(): Promise<void>;
}

/** The folder with initdb and pg_ctl: PG_BIN, then Debian's newest /usr/lib/postgresql/N/bin, then PATH. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | null {
  const hasTools = (dir: string) =>
    fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
  if (env.PG_BIN) return hasTools(env.PG_BIN) ? env.PG_BIN : null;
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (hasTools(path.join(debian, v, 'bin'))) return path.join(debian, v, 'bin');
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir && hasTools(dir)) return dir;
  return null;
}

const isRoot = () => process.getuid?.() === 0;

/** initdb, pg_ctl and postgres refuse to run as root: as root they run as `postgres`. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[], cwd: string): void {
  const [cmd, argv] = asServerUser(command, args);
  // cwd: a folder the server user can enter (not root's working folder).
  const result = spawnSync(cmd, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0)
    throw new Error(
      `${path.basename(command)} failed (${result.status ?? result.signal ?? result.error?.message}):\n${result.stdout}${result.stderr}`,
    );
}

/** As run(), without blocking the event loop (a bot in the same process keeps answering meanwhile). */
function runAsync(command: string, args: string[], cwd: string): Promise<void> {
  const [cmd, argv] = asServerUser(command, args);
  return new Promise((resolve, reject) =>
    execFile(cmd, argv, { cwd, encoding: 'utf8' }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${path.basename(command)} failed: ${err.message}\n${stdout}${stderr}`))
        : resolve(),
    ),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a new cluster; the caller stops it. Throws when the binaries are missing or the server fails. */
export async function startPostgresCluster(bin = findPostgresBin()): Promise<PostgresCluster> {
  if (!bin) throw new Error(`PostgreSQL server binaries (initdb, pg_ctl) not found: ${INSTALL_HINT}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-pg-'));
  // The server user must reach the data and socket folders inside it.
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'sock');
  fs.mkdirSync(data, { mode: 0o700 });
  fs.mkdirSync(socket, { mode: 0o700 });
  if (isRoot()) {
    try {
      execFileSync('chown', ['postgres', data, socket], { stdio: 'pipe' });
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `as root the test server runs as the postgres user, and there is none (${INSTALL_HINT} creates it)`,
      );
    }
  }
  const logFile = path.join(data, 'server.log');
  const pgCtl = path.join(bin, 'pg_ctl');
  let port = 0;
  let running = false;
  const stopSync = () => {
    if (running) {
      running = false;
      try {
        run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], dir);
      } catch {
        // Already gone (killed, or its folder removed): nothing left to stop.
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // On process exit only synchronous work runs. A signal (Ctrl-C, CI's timeout) ends Node
  // without 'exit': stop the server, then die of the same signal.
  const onSignal = (signal: NodeJS.Signals) => {
    stopSync();
    unhook();
    process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const unhook = () => {
    process.removeListener('exit', stopSync);
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
  process.on('exit', stopSync);
  for (const signal of signals) process.on(signal, onSignal);
  try {
    run(
      path.join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
      dir,
    );
    // A free port can be taken between asking and binding: try a few.
    for (let attempt = 1; !running; attempt++) {
      port = await freePort();
      try {
        run(pgCtl, ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', serverOptions(), 'start'], dir);
        running = true;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  } catch (err) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    stopSync();
    unhook();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  function serverOptions(): string {
    return [
      `-p ${port}`,
      `-k ${socket}`,
      '-c listen_addresses=127.0.0.1',
      // Tests only: durability is not what they test, and it saves a sync per commit.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    dir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    stop: async () => {
      stopSync();
      unhook();
    },
    pause: async () => {
      if (!running) return;
      running = false;
      await runAsync(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], dir);
    },
    resume: async () => {
      if (running) return;
      await runAsync(
        pgCtl,
        ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', serverOptions(), 'start'],
        dir,
      );
      running = true;
    },
  };
}

/** Runs statements on the cluster's maintenance database (CREATE/DROP DATABASE cannot run in a pool's transaction). */
async function onMaintenanceDb(
  cluster: PostgresCluster,
  work: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.url('postgres') });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database. A pool's end() resolves before its sockets are closed, and a backend
 * terminated by FORCE meanwhile makes the ending client throw an uncaught error: wait (briefly)
 * for the file's own connections to go, then FORCE what a failed test left open.
 */
async function dropDatabase(cluster: PostgresCluster, name: string): Promise<void> {
  await onMaintenanceDb(cluster, async (client) => {
    for (let waited = 0; waited < 2_000; waited += 50) {
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if (rows[0].n === '0') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

/**
 * The test process's one cluster, started on first use. Module-level on purpose: it lives as
 * long as the test process (like the process's temporary folder), and the root `after` hook
 * below and the exit hook in startPostgresCluster end it. Null: no binaries (skip).
 */
let sharedCluster: Promise<PostgresCluster | null> | undefined;

function theSharedCluster(): Promise<PostgresCluster | null> {
  sharedCluster ??= (async () => {
    const bin = findPostgresBin();
    if (!bin) {
      if (process.env.REQUIRE_POSTGRES === '1')
        throw new Error(
          `REQUIRE_POSTGRES=1 but no PostgreSQL server binaries (initdb, pg_ctl) were found: ${INSTALL_HINT}`,
        );
      console.log(
        `  PostgreSQL tests skipped: no PostgreSQL server binaries found (install: ${INSTALL_HINT}; set REQUIRE_POSTGRES=1 to fail instead)`,
      );
      return null;
    }
    return startPostgresCluster(bin);
  })();
  return sharedCluster;
}

// Loaded while mocha loads test files: this `after` belongs to the root suite, so the shared
// cluster stops once, after every file. (Outside mocha, `after` does not exist.)
if (typeof after === 'function')
  after(async function () {
    this.timeout(60_000);
    const cluster = await sharedCluster?.catch(() => null);
    await cluster?.stop();
  });

export interface TestDatabase {
  /** The cluster (valid once the suite's `before` has run). */
  readonly cluster: PostgresCluster;
  readonly name: string;
  /** postgres:// URL of this file's database. */
  readonly url: string;
  /** A pg pool on this file's database; ended after the suite. */
  pool(max?: number): pg.Pool;
  /** Runs after the suite, before the database is dropped: close what the suite opened (a Kysely's destroy()). */
  beforeDrop(close: () => Promise<unknown>): void;
}

/**
 * Call inside a `describe`: a database of its own for this suite on the shared cluster, created
 * in `before` and dropped in `after`. Skips the suite when PostgreSQL is not installed (unless
 * REQUIRE_POSTGRES=1, then it fails).
 */
export function usePostgresDatabase(): TestDatabase {
  let cluster: PostgresCluster | null = null;
  const name = `t_${randomBytes(6).toString('hex')}`;
  const closers: (() => Promise<unknown>)[] = [];
  const ready = () => {
    if (!cluster) throw new Error('usePostgresDatabase: use it in tests, after the suite’s before hook');
    return cluster;
  };
  before(async function () {
    this.timeout(90_000);
    cluster = await theSharedCluster();
    if (!cluster) this.skip();
    await onMaintenanceDb(cluster, (client) => client.query(`CREATE DATABASE ${name}`));
  });
  after(async function () {
    this.timeout(30_000);
    await Promise.all(closers.splice(0).map((close) => close()));
    if (cluster) await dropDatabase(cluster, name);
  });
  return {
    get cluster() {
      return ready();
    },
    name,
    get url() {
      return ready().url(name);
    },
    pool(max = 10) {
      const p = new pg.Pool({ connectionString: ready().url(name), max });
      closers.push(() => p.end());
      return p;
    },
    beforeDrop(close) {
      closers.push(close);
    },
  };
}
