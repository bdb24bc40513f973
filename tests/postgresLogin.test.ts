/**
 * How the bot connects to PostgreSQL (issue 11): passwordless login with a Microsoft Entra token
 * (DATABASE_AUTH=entra-…) and time limits on statements, against a real server. The token issuer
 * is a TokenCredential of the test's own (no network, no managed identity): each token it issues
 * becomes the password of a role that must log in with a password, sent in clear (over TLS in
 * Azure), as Azure Database for PostgreSQL checks the token it receives: an expired one really
 * is refused.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { newClient } from '../services/storage/postgres/connections';
import { EntraPassword, POSTGRES_ENTRA_SCOPE } from '../services/storage/postgres/entraPassword';
import { PostgresStore } from '../services/storage/postgres/postgresStore';
import { DatabaseUnavailableError } from '../services/storage/unavailable';
import { usePostgresDatabase } from './helpers/postgres';

/**
 * Plays Entra and the server's token check: the server accepts only the newest token (rotate()),
 * and getToken hands that one out, valid for `lifetimeMs`. (PostgreSQL reads a role's password
 * before it asks the client for one, so a token cannot be made valid during the login asking for it.)
 */
class TokenIssuer implements TokenCredential {
  calls = 0;
  readonly scopes: string[] = [];
  failWith: Error | null = null;
  private current: AccessToken | null = null;

  constructor(
    private readonly admin: pg.Client,
    private readonly role: string,
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {}

  /** A new token; from now on the server refuses the one before (it has expired). */
  async rotate(): Promise<string> {
    const token = `entra-${randomBytes(12).toString('hex')}`;
    await this.admin.query(`ALTER ROLE ${this.role} PASSWORD '${token}'`);
    this.current = { token, expiresOnTimestamp: this.now() + this.lifetimeMs };
    return token;
  }

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    this.calls++;
    this.scopes.push(...[scopes].flat());
    if (this.failWith) throw this.failWith;
    return this.current;
  }
}

describe('PostgreSQL login and time limits', function () {
  this.timeout(30_000);
  const db = usePostgresDatabase();
  const role = `entra_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let url: string;

  before(async () => {
    admin = new pg.Client({ connectionString: db.cluster.url('postgres') });
    await admin.connect();
    db.beforeDrop(() => admin.end());
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`ALTER DATABASE ${db.name} OWNER TO ${role}`);
    // The test cluster trusts loopback logins; this role must give a password (the token). Sent
    // in clear, so the server checks it against the role's password as of the login (as Azure
    // checks the token), not as of the start of a SCRAM exchange.
    const hba = path.join(db.cluster.dir, 'data', 'pg_hba.conf');
    fs.writeFileSync(hba, `host all ${role} 127.0.0.1/32 password\n${fs.readFileSync(hba, 'utf8')}`);
    await admin.query('SELECT pg_reload_conf()');
    url = `postgres://${role}@${db.cluster.host}:${db.cluster.port}/${db.name}`;
  });

  const loginWith = async (password: () => Promise<string>) => {
    const client = newClient(url, { password });
    await client.connect();
    const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
    await client.end();
    return rows[0].user;
  };

  it('a role that needs a password refuses the login without one (the test is real)', async () => {
    const err = await loginWith(async () => 'not-a-token').catch((e: unknown) => e);
    expect((err as { code?: string }).code).to.equal('28P01');
  });

  it('each new connection logs in with a token; a fresh one once the last is about to expire', async () => {
    let now = Date.now();
    const issuer = new TokenIssuer(admin, role, 60 * 60_000, () => now);
    const entra = new EntraPassword(issuer, { refreshBeforeMs: 5 * 60_000, now: () => now });
    const first = await issuer.rotate();

    expect(await loginWith(entra.password)).to.equal(role);
    expect(await loginWith(entra.password)).to.equal(role);
    expect(issuer.calls, 'one token for both logins').to.equal(1);
    expect(issuer.scopes).to.deep.equal([POSTGRES_ENTRA_SCOPE]);

    now += 56 * 60_000; // four minutes before expiry: inside the refresh margin
    await issuer.rotate(); // the server takes only the new token from now on
    const logins = await Promise.all([1, 2, 3, 4].map(() => loginWith(entra.password)));
    expect(logins).to.deep.equal([role, role, role, role]);
    expect(issuer.calls, 'a burst of new connections shares one new token').to.equal(2);
    // The server refuses the first token now: the new connections did log in with the fresh one.
    const stale = await loginWith(async () => first).catch((e: unknown) => e);
    expect((stale as { code?: string }).code).to.equal('28P01');
  });

  it('a refresh that fails while the token in hand is still good: logins go on with it until a minute before it expires', async () => {
    let now = Date.now();
    const issuer = new TokenIssuer(admin, role, 60 * 60_000, () => now);
    const entra = new EntraPassword(issuer, { refreshBeforeMs: 5 * 60_000, now: () => now });
    await issuer.rotate();
    expect(await loginWith(entra.password)).to.equal(role);

    now += 56 * 60_000; // four minutes left: inside the refresh margin
    issuer.failWith = new Error('ManagedIdentityCredential: the identity endpoint did not answer');
    expect(await loginWith(entra.password), 'the token in hand, still valid').to.equal(role);
    expect(issuer.calls, 'a fresh one was asked for').to.equal(2);

    now += 3 * 60_000 + 1; // just under a minute left: too close to use
    const refused = await loginWith(entra.password).catch((e: unknown) => e);
    expect((refused as Error).message).to.include('the identity endpoint did not answer');
    expect(issuer.calls).to.equal(3);

    issuer.failWith = null; // Entra answers again: the next login gets a fresh token
    await issuer.rotate();
    expect(await loginWith(entra.password)).to.equal(role);
    expect(issuer.calls).to.equal(4);
  });

  it('the store migrates and works on Entra logins; a store opened after expiry gets a fresh token', async () => {
    let now = Date.now();
    const issuer = new TokenIssuer(admin, role, 10 * 60_000, () => now);
    const entra = new EntraPassword(issuer, { refreshBeforeMs: 60_000, now: () => now });
    await issuer.rotate();
    const first = await PostgresStore.open(url, { password: entra.password, poolSize: 1 });
    try {
      expect(await first.read((tx) => tx.organisations.list())).to.deep.equal([]);
      expect(issuer.calls).to.equal(1);
    } finally {
      await first.close();
    }
    now += 10 * 60_000;
    await issuer.rotate();
    const second = await PostgresStore.open(url, { password: entra.password, poolSize: 1 });
    try {
      expect(await second.read((tx) => tx.organisations.list())).to.deep.equal([]);
      expect(issuer.calls).to.equal(2);
    } finally {
      await second.close();
    }
  });

  it('a credential that cannot give a token is a refused login (the bot says it cannot reach its data)', async () => {
    let now = Date.now();
    const issuer = new TokenIssuer(admin, role, 60_000, () => now);
    await issuer.rotate();
    const entra = new EntraPassword(issuer, { refreshBeforeMs: 10_000, now: () => now });
    const store = await PostgresStore.open(url, { password: entra.password, poolSize: 1 });
    try {
      // The token has expired and the pool's connection is gone: the next unit of work needs a new login.
      now += 60_000;
      // Once the migration's pool has gone (its ending clients must not hear the termination).
      const sessions = async () =>
        (await admin.query('SELECT pid FROM pg_stat_activity WHERE usename = $1', [role])).rowCount;
      for (let waited = 0; (await sessions()) !== 1 && waited < 5_000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      issuer.failWith = new Error('ManagedIdentityCredential: no managed identity endpoint');
      let err: unknown;
      for (let attempt = 0; attempt < 3 && !(err instanceof DatabaseUnavailableError); attempt++)
        err = await store.read((tx) => tx.organisations.list()).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(DatabaseUnavailableError);
      expect((err as DatabaseUnavailableError).kind).to.equal('login refused');
      expect((err as Error).message).to.include('no managed identity endpoint');
    } finally {
      await store.close();
    }
  });

  describe('time limits (DATABASE_STATEMENT_TIMEOUT_MS)', () => {
    it('a statement waiting longer than the limit is cancelled: "timed out", and the connection works on', async () => {
      const store = await PostgresStore.open(db.url, { statementTimeoutMs: 300, poolSize: 1 });
      const locker = new pg.Client({ connectionString: db.url });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE organisations IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        const err = await store.read((tx) => tx.organisations.list()).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(DatabaseUnavailableError);
        expect((err as DatabaseUnavailableError).kind).to.equal('timed out');
        expect(Date.now() - started).to.be.below(3_000);
        await locker.query('ROLLBACK');
        expect(await store.read((tx) => tx.organisations.list())).to.deep.equal([]);
      } finally {
        await locker.end();
        await store.close();
      }
    });

    it('a server that stops answering (its process frozen) fails the unit of work in about a second more, not never', async function () {
      if (process.platform === 'win32') this.skip();
      const store = await PostgresStore.open(db.url, { statementTimeoutMs: 300, poolSize: 1 });
      let frozen: number | null = null;
      try {
        const pid = await store.read(async () => {
          const { rows } = await admin.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
            [db.name],
          );
          return rows[0].pid;
        });
        process.kill(pid, 'SIGSTOP');
        frozen = pid;
        const started = Date.now();
        const err = await store.read((tx) => tx.organisations.list()).catch((e: unknown) => e);
        const took = Date.now() - started;
        expect(err).to.be.instanceOf(DatabaseUnavailableError);
        expect((err as DatabaseUnavailableError).kind).to.equal('timed out');
        expect(took).to.be.within(1_000, 5_000);
        process.kill(pid, 'SIGCONT');
        frozen = null;
        // The hung connection was thrown away: the next unit of work gets a new one.
        expect(await store.read((tx) => tx.organisations.list())).to.deep.equal([]);
      } finally {
        if (frozen) process.kill(frozen, 'SIGCONT');
        await store.close();
      }
    });
  });
});
