/**
 * DATABASE_URL (issue 11): validated by name, its password never shown; and the "database
 * unreachable at start" line, from the bot and the admin CLI.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { ConfigError, loadConfig, PROJECT_ROOT } from '../services/config';
import { redactDatabaseUrl, withoutPassword } from '../services/storage/postgres/databaseUrl';
import { databaseUnreachableLine } from '../services/storage/postgres/reachable';
import { usePostgresDatabase } from './helpers/postgres';

const SECRET = 'Pa55-w0rd!secret';

function configProblem(url: string): string {
  try {
    loadConfig({ DATABASE_URL: url });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  return expect.fail(`${url} was accepted`);
}

/** A loopback port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The bot and the admin CLI started with `url`: one line matching `expected`, without the password, exit 1. */
function expectOneLineAndExit1(url: string, expected: RegExp): void {
  for (const entry of ['dist/bot/index.js', 'dist/services/cli/admin.js']) {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, entry), 'summary'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, PORT: '0', SEED_ORGANISATION: 'none' },
      timeout: 20_000,
    });
    expect(run.status, entry).to.equal(1);
    const lines = (run.stdout + run.stderr).split('\n').filter(Boolean);
    expect(lines, entry).to.have.length(1);
    expect(lines[0], entry).to.match(expected);
    expect(lines[0], entry).to.not.include(SECRET);
  }
}

describe('DATABASE_URL', () => {
  it('without it the bot uses SQLite at DATABASE_PATH, as before', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).to.equal(null);
    expect(c.databasePath).to.match(/partner-support\.sqlite$/);
  });

  it('a postgres:// or postgresql:// URL is accepted as written', () => {
    for (const url of [
      `postgres://bot:${SECRET}@db.example.com:5432/partner_support?sslmode=require`,
      'postgresql://bot@10.0.0.4/psb',
      'postgres:///psb?host=/var/run/postgresql',
    ])
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).to.equal(url);
  });

  it('a malformed URL, another scheme or no host is refused by name, never showing the password', () => {
    const cases: [string, RegExp][] = [
      [`bot:${SECRET}@db.example.com/psb`, /DATABASE_URL: must be a URL such as postgres:\/\/.*not shown/],
      [
        `postgres://bot:${SECRET}@db.example.com:fivefour/psb`,
        /DATABASE_URL: must be a URL such as .*not shown/,
      ],
      [
        `mysql://bot:${SECRET}@db.example.com/psb`,
        /DATABASE_URL: .*got a mysql:\/\/ URL: mysql:\/\/bot:\*\*\*@db\.example\.com\/psb/,
      ],
      [`https://bot:${SECRET}@db.example.com/psb`, /DATABASE_URL: .*got a https:\/\/ URL/],
      ['postgres:///psb', /DATABASE_URL: must name the database server's host/],
    ];
    for (const [url, expected] of cases) {
      const message = configProblem(url);
      expect(message, url).to.match(expected);
      expect(message, url).to.not.include(SECRET);
      expect(message, url).to.not.include('w0rd');
    }
  });

  it('redaction replaces the password and secret parameters, and nothing else', () => {
    expect(
      redactDatabaseUrl(`postgres://bot:${encodeURIComponent(SECRET)}@db:5432/psb?sslmode=require`),
    ).to.equal('postgres://bot:***@db:5432/psb?sslmode=require');
    expect(redactDatabaseUrl('postgres://bot@db/psb')).to.equal('postgres://bot@db/psb');
    expect(redactDatabaseUrl(`postgres://bot@db/psb?password=${SECRET}&sslmode=verify-full`)).to.equal(
      'postgres://bot@db/psb?password=***&sslmode=verify-full',
    );
    expect(redactDatabaseUrl(`:${SECRET}@nowhere`)).to.not.include(SECRET);
    const encoded = `postgres://bot:${encodeURIComponent('p@ss/word')}@db/psb`;
    expect(withoutPassword('failed for p@ss/word and p%40ss%2Fword', encoded)).to.equal(
      'failed for *** and ***',
    );
  });

  it('the bot and the admin CLI with an unreachable DATABASE_URL: one line naming it, without the password, exit 1', async function () {
    this.timeout(60_000);
    const port = await closedPort();
    const url = `postgres://bot:${SECRET}@127.0.0.1:${port}/psb`;
    expectOneLineAndExit1(
      url,
      new RegExp(
        `^DATABASE_URL: cannot reach the database at postgres://bot:\\*\\*\\*@127\\.0\\.0\\.1:${port}/psb: .*ECONNREFUSED`,
      ),
    );
  });

  describe('database unreachable at start', () => {
    it('a closed port: one line naming DATABASE_URL, the password redacted, the reason given', async () => {
      const port = await closedPort();
      const url = `postgres://bot:${SECRET}@127.0.0.1:${port}/psb`;
      const line = await databaseUnreachableLine(url, { timeoutMs: 5_000 });
      expect(line).to.be.a('string');
      expect(line).to.match(
        new RegExp(
          `^DATABASE_URL: cannot reach the database at postgres://bot:\\*\\*\\*@127\\.0\\.0\\.1:${port}/psb: .*ECONNREFUSED`,
        ),
      );
      expect(line).to.not.include(SECRET);
      expect(line!.split('\n')).to.have.length(1);
    });

    describe('against a real server', () => {
      const db = usePostgresDatabase();

      it('a reachable database gives no line', async () => {
        expect(await databaseUnreachableLine(db.url)).to.equal(null);
      });

      it('a database that does not exist: the server’s reason, still one redacted line', async () => {
        const url = `postgres://postgres:${SECRET}@127.0.0.1:${db.cluster.port}/no_such_database`;
        const line = await databaseUnreachableLine(url);
        expect(line).to.match(
          /^DATABASE_URL: cannot reach the database at postgres:\/\/postgres:\*\*\*@.*database "no_such_database" does not exist/,
        );
        expect(line).to.not.include(SECRET);
      });

      it('the bot and the admin CLI, given a server that answers but a database name it does not have: one line, exit 1', async function () {
        this.timeout(60_000);
        const url = `postgres://postgres:${SECRET}@127.0.0.1:${db.cluster.port}/no_such_database`;
        expectOneLineAndExit1(
          url,
          /^DATABASE_URL: cannot reach the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/no_such_database: .*database "no_such_database" does not exist/,
        );
      });
    });
  });
});
