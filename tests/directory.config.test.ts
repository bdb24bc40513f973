/** DIRECTORY=entra: every bad variable is named at start, and the bot does not start (R2 depends on it). */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../services/config';
import { makeCertificate } from './helpers/fakeEntra';

const APP = '5a0e4a7c-1b2d-4c3e-8f9a-0b1c2d3e4f50';
const TENANT = '0c0f7d7e-1111-4222-8333-444455556666';

function problems(env: Record<string, string>): { variable: string; reason: string }[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}
const names = (env: Record<string, string>) => problems(env).map((p) => p.variable);

describe('directory configuration', () => {
  it('file is the default: npm start, the Playground and the tests need nothing from Entra', () => {
    expect(loadConfig({}).directory).to.deep.equal({ kind: 'file' });
  });

  it('the bot registration is SingleTenant by default (multi-tenant registrations are deprecated)', () => {
    expect(loadConfig({}).microsoftAppType).to.equal('SingleTenant');
    expect(names({ MICROSOFT_APP_ID: APP, MICROSOFT_APP_PASSWORD: 'x' })).to.deep.equal([
      'MICROSOFT_APP_TENANT_ID',
    ]);
  });

  it('entra with a secret: client and tenant default to the bot registration’s', () => {
    const c = loadConfig({
      DIRECTORY: 'entra',
      MICROSOFT_APP_ID: APP,
      MICROSOFT_APP_PASSWORD: 's3cret',
      MICROSOFT_APP_TENANT_ID: TENANT,
    }).directory;
    expect(c).to.deep.include({
      kind: 'entra',
      clientId: APP,
      homeTenantId: TENANT,
      credential: { kind: 'secret', secret: 's3cret' },
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com',
      roleCacheMinutes: 5,
      disableInstanceDiscovery: false,
    });
  });

  it('missing secret, malformed tenant id, http authority: each named', () => {
    expect(
      names({
        DIRECTORY: 'entra',
        ENTRA_CLIENT_ID: APP,
        ENTRA_TENANT_ID: 'contoso.onmicrosoft.com',
        ENTRA_AUTHORITY_HOST: 'http://login.example',
        GRAPH_BASE_URL: 'graph.microsoft.com',
        ENTRA_ROLE_CACHE_MINUTES: '0',
      }),
    ).to.have.members([
      'ENTRA_TENANT_ID',
      'ENTRA_CLIENT_SECRET',
      'ENTRA_AUTHORITY_HOST',
      'GRAPH_BASE_URL',
      'ENTRA_ROLE_CACHE_MINUTES',
    ]);
  });

  it('no client id at all: named, with where else it may come from', () => {
    const p = problems({ DIRECTORY: 'entra', ENTRA_TENANT_ID: TENANT, ENTRA_CLIENT_SECRET: 'x' });
    expect(p).to.have.length(1);
    expect(p[0].variable).to.equal('ENTRA_CLIENT_ID');
    expect(p[0].reason).to.include('MICROSOFT_APP_ID');
  });

  it('an unreadable certificate, and one without its private key: named at start', () => {
    const base = {
      DIRECTORY: 'entra',
      ENTRA_CLIENT_ID: APP,
      ENTRA_TENANT_ID: TENANT,
      ENTRA_CREDENTIAL: 'certificate',
    };
    const missing = problems({ ...base, ENTRA_CERTIFICATE_PATH: '/nonexistent/bot.pem' });
    expect(missing.map((p) => p.variable)).to.deep.equal(['ENTRA_CERTIFICATE_PATH']);
    expect(missing[0].reason).to.include('cannot read');
    const cert = makeCertificate();
    const certOnly = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'psb-')), 'cert-only.pem');
    fs.writeFileSync(certOnly, cert.cert);
    expect(names({ ...base, ENTRA_CERTIFICATE_PATH: certOnly })).to.deep.equal(['ENTRA_CERTIFICATE_PATH']);
    expect(loadConfig({ ...base, ENTRA_CERTIFICATE_PATH: cert.combinedPath }).directory).to.deep.include({
      credential: { kind: 'certificate', certificatePath: cert.combinedPath },
    });
    expect(names({ ...base })).to.deep.equal(['ENTRA_CERTIFICATE_PATH']);
  });

  it('managed identity: validated without being constructed; an unknown credential kind is named', () => {
    const base = { DIRECTORY: 'entra', ENTRA_CLIENT_ID: APP, ENTRA_TENANT_ID: TENANT };
    expect(loadConfig({ ...base, ENTRA_CREDENTIAL: 'managedIdentity' }).directory).to.deep.include({
      credential: { kind: 'managedIdentity', managedIdentityClientId: null },
    });
    expect(
      names({
        ...base,
        ENTRA_CREDENTIAL: 'managedIdentity',
        ENTRA_MANAGED_IDENTITY_CLIENT_ID: 'my-identity',
      }),
    ).to.deep.equal(['ENTRA_MANAGED_IDENTITY_CLIENT_ID']);
    expect(names({ ...base, ENTRA_CREDENTIAL: 'password' })).to.deep.equal(['ENTRA_CREDENTIAL']);
  });

  it('the bot’s own certificate: readable at start, and not together with a password', () => {
    const cert = makeCertificate();
    const base = { MICROSOFT_APP_ID: APP, MICROSOFT_APP_TENANT_ID: TENANT };
    expect(
      loadConfig({ ...base, MICROSOFT_APP_CERTIFICATE_PATH: cert.combinedPath }).microsoftAppCertificatePath,
    ).to.equal(cert.combinedPath);
    expect(names({ ...base, MICROSOFT_APP_CERTIFICATE_PATH: '/nonexistent.pem' })).to.deep.equal([
      'MICROSOFT_APP_CERTIFICATE_PATH',
    ]);
    expect(
      names({ ...base, MICROSOFT_APP_CERTIFICATE_PATH: cert.combinedPath, MICROSOFT_APP_PASSWORD: 'x' }),
    ).to.deep.equal(['MICROSOFT_APP_CERTIFICATE_PATH']);
  });
});
