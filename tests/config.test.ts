/** Configuration is read once and every error names the variable that is wrong. */
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../services/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.variable);
  }
  return [];
}

describe('configuration', () => {
  it('defaults run the bot locally with the demo organisation and auth off', () => {
    const c = loadConfig({});
    expect(c.port).to.equal(3978);
    expect(c.microsoftAppId).to.equal('');
    expect(c.seedFile).to.match(/examples[/\\]demo-org\.json$/);
    expect(c.databasePath).to.match(/data[/\\]partner-support\.sqlite$/);
    expect(c.allowedTenants).to.deep.equal([]);
    expect(c.alerts).to.deep.equal({
      enabled: true,
      tenantRatePerSecond: 50,
      pollMs: 1000,
      scanEveryMinutes: 60,
      leaseSeconds: 120,
    });
    expect(c.cardCache).to.equal(true);
  });

  it('production without an app id refuses to start and says why', () => {
    try {
      loadConfig({ NODE_ENV: 'production' });
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as ConfigError).message).to.match(/MICROSOFT_APP_ID: is required when NODE_ENV=production/);
    }
  });

  it('production seeds no demo data unless told to', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      MICROSOFT_APP_ID: '3f1a6d9e-7a4b-4c1d-9e2f-0a1b2c3d4e5f',
      MICROSOFT_APP_PASSWORD: 'secret',
      MICROSOFT_APP_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
    });
    expect(c.seedFile).to.equal(null);
  });

  it('every bad variable is reported at once, by name', () => {
    expect(
      problemsOf({
        PORT: 'eighty',
        MICROSOFT_APP_ID: 'not-a-guid',
        MICROSOFT_APP_TYPE: 'Whatever',
        ALLOWED_TENANTS: '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b, contoso.com',
        MAX_BODY_BYTES: '5',
        LOG_LEVEL: 'loud',
        ALERTS_ENABLED: 'maybe',
        ALERT_TENANT_RATE_PER_SECOND: '0',
        ALERT_POLL_MS: 'fast',
        ALERT_SCAN_MINUTES: '-1',
        ALERT_LEASE_SECONDS: '1', // shorter than any send may take
        CARD_CACHE: 'sometimes',
      }),
    ).to.have.members([
      'PORT',
      'MICROSOFT_APP_ID',
      'MICROSOFT_APP_PASSWORD',
      'MICROSOFT_APP_TYPE',
      'MICROSOFT_APP_TENANT_ID', // SingleTenant by default
      'ALLOWED_TENANTS',
      'MAX_BODY_BYTES',
      'LOG_LEVEL',
      'ALERTS_ENABLED',
      'ALERT_TENANT_RATE_PER_SECOND',
      'ALERT_POLL_MS',
      'ALERT_SCAN_MINUTES',
      'ALERT_LEASE_SECONDS',
      'CARD_CACHE',
    ]);
  });

  it('the read cache is bounded in MB (READ_CACHE_MB); the old count READ_CACHE_ENTRIES is refused by name', () => {
    expect(loadConfig({}).readCacheBytes).to.equal(12 * 1024 * 1024);
    expect(loadConfig({ READ_CACHE_MB: '8' }).readCacheBytes).to.equal(8 * 1024 * 1024);
    expect(problemsOf({ READ_CACHE_MB: '0' })).to.deep.equal(['READ_CACHE_MB']);
    expect(problemsOf({ READ_CACHE_MB: '12.5' })).to.deep.equal(['READ_CACHE_MB']);
    try {
      loadConfig({ READ_CACHE_ENTRIES: '4000' });
      expect.fail('READ_CACHE_ENTRIES accepted');
    } catch (err) {
      expect((err as Error).message).to.match(/READ_CACHE_ENTRIES: .*set READ_CACHE_MB instead/);
    }
  });

  it('single-tenant registrations need their tenant id', () => {
    expect(
      problemsOf({
        MICROSOFT_APP_ID: '3f1a6d9e-7a4b-4c1d-9e2f-0a1b2c3d4e5f',
        MICROSOFT_APP_PASSWORD: 'x',
        MICROSOFT_APP_TYPE: 'SingleTenant',
      }),
    ).to.deep.equal(['MICROSOFT_APP_TENANT_ID']);
  });

  it('allowed tenants are normalised to lower case', () => {
    expect(
      loadConfig({ ALLOWED_TENANTS: '6F2C8A10-3B4D-4E5F-9A7B-1C2D3E4F5A6B' }).allowedTenants,
    ).to.deep.equal(['6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b']);
  });

  it('the HTTP edge settings: Teams and its Bot Connector hosts by default, bad values named', () => {
    const c = loadConfig({});
    expect(c.channelId).to.equal('msteams');
    expect(c.serviceUrlHosts).to.include('smba.trafficmanager.net');
    expect([c.maxConnections, c.headersTimeoutMs, c.requestTimeoutMs]).to.deep.equal([1024, 5000, 10000]);
    expect(loadConfig({ SERVICE_URL_HOSTS: '127.0.0.1, Example.org' }).serviceUrlHosts).to.deep.equal([
      '127.0.0.1',
      'example.org',
    ]);
    expect(problemsOf({ SERVED_CHANNEL: 'Teams!' })).to.deep.equal(['SERVED_CHANNEL']);
    expect(problemsOf({ SERVICE_URL_HOSTS: 'http://x/' })).to.deep.equal(['SERVICE_URL_HOSTS']);
    expect(problemsOf({ MAX_CONNECTIONS: '0' })).to.deep.equal(['MAX_CONNECTIONS']);
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).to.deep.equal([
      'HTTP_REQUEST_TIMEOUT_MS',
    ]);
  });

  describe('PostgreSQL login and time limit (issue 11)', () => {
    const URL_ = 'postgres://psb-bot@db.example.com:5432/psb?sslmode=verify-full';
    const MI = '11111111-2222-4333-8444-555555555555';

    it('defaults: DATABASE_URL’s password and a 5 s statement limit', () => {
      const c = loadConfig({ DATABASE_URL: 'postgres://u:p@db.example.com/psb' });
      expect(c.databaseAuth).to.deep.equal({ kind: 'password' });
      expect(c.databaseStatementTimeoutMs).to.equal(5_000);
    });

    it('Entra: a managed identity (user-assigned by AZURE_CLIENT_ID) or DefaultAzureCredential', () => {
      expect(
        loadConfig({ DATABASE_URL: URL_, DATABASE_AUTH: 'entra-managed-identity' }).databaseAuth,
      ).to.deep.equal({
        kind: 'entra-managed-identity',
        clientId: null,
      });
      expect(
        loadConfig({ DATABASE_URL: URL_, DATABASE_AUTH: 'entra-default', AZURE_CLIENT_ID: MI }).databaseAuth,
      ).to.deep.equal({ kind: 'entra-default', clientId: MI });
    });

    it('bad values are named: an unknown kind, no DATABASE_URL, a password or no role in it, a client id that is no GUID', () => {
      expect(problemsOf({ DATABASE_AUTH: 'entra' })).to.deep.equal(['DATABASE_AUTH']);
      expect(problemsOf({ DATABASE_AUTH: 'entra-default' })).to.deep.equal(['DATABASE_AUTH']);
      expect(
        problemsOf({
          DATABASE_AUTH: 'entra-managed-identity',
          DATABASE_URL: 'postgres://u:secret@db.example.com/psb',
        }),
      ).to.deep.equal(['DATABASE_URL']);
      expect(
        problemsOf({
          DATABASE_AUTH: 'entra-managed-identity',
          DATABASE_URL: 'postgres://db.example.com/psb',
        }),
      ).to.deep.equal(['DATABASE_URL']);
      expect(
        problemsOf({
          DATABASE_AUTH: 'entra-managed-identity',
          DATABASE_URL: URL_,
          AZURE_CLIENT_ID: 'my-identity',
        }),
      ).to.deep.equal(['AZURE_CLIENT_ID']);
      expect(problemsOf({ DATABASE_STATEMENT_TIMEOUT_MS: '0' })).to.deep.equal([
        'DATABASE_STATEMENT_TIMEOUT_MS',
      ]);
      try {
        loadConfig({
          DATABASE_AUTH: 'entra-managed-identity',
          DATABASE_URL: 'postgres://u:secret@db.example.com/psb',
        });
      } catch (err) {
        expect((err as Error).message)
          .to.include('must hold no password')
          .and.not.include('secret');
      }
    });
  });
});
