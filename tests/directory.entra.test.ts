/**
 * Roles from Microsoft Entra ID (R1, R2, R4) through the real @azure/identity code path and real
 * HTTPS: a local fake sign-in service and a local fake Graph with a certificate made for the test.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../services/config';
import { ConsentRequiredError, RoleCheckUnavailableError } from '../services/domain/errors';
import { createDirectoryCredential, type EntraConfig } from '../services/directory/credentials';
import { EntraRoles } from '../services/directory/entraRoles';
import { GraphClient } from '../services/directory/graphClient';
import {
  GLOBAL_READER,
  makeCertificate,
  startFakeEntra,
  type FakeEntra,
  type TestCertificate,
} from './helpers/fakeEntra';

const CLIENT_ID = '5a0e4a7c-1b2d-4c3e-8f9a-0b1c2d3e4f50';
const HOME = '0c0f7d7e-1111-4222-8333-444455556666';
const SECRET = 'test-only-secret';
const TENANT_A = '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
const TENANT_B = 'b7e2c3d4-5f60-4718-9a2b-3c4d5e6f7081';
const FEDERATED = 'header.payload.signature-of-a-managed-identity-token';

describe('Entra roles through Microsoft Graph (real @azure/identity, local HTTPS fakes)', function () {
  this.timeout(30_000);
  let fake: FakeEntra & { certificate: TestCertificate };
  let clientCert: TestCertificate;

  before(async () => {
    clientCert = makeCertificate('partner-support-bot');
    fake = await startFakeEntra({
      clientId: CLIENT_ID,
      secret: SECRET,
      clientCertificate: clientCert.cert,
      federatedAssertion: FEDERATED,
    });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.expiresIn = 3600;
    fake.pageSize = 100;
    fake.clearScripts();
  });

  function entraConfig(env: Record<string, string> = {}): EntraConfig {
    const c = loadConfig({
      DIRECTORY: 'entra',
      ENTRA_CLIENT_ID: CLIENT_ID,
      ENTRA_TENANT_ID: HOME,
      ENTRA_CLIENT_SECRET: SECRET,
      ENTRA_AUTHORITY_HOST: fake.authorityUrl,
      ENTRA_DISABLE_INSTANCE_DISCOVERY: 'true',
      GRAPH_BASE_URL: fake.graphUrl,
      GRAPH_TIMEOUT_MS: '3000',
      ...env,
    }).directory;
    if (c.kind !== 'entra') throw new Error('expected entra');
    return c;
  }

  /** A fresh credential (MSAL's token cache lives in it) and the role reader over it. */
  function roles(env: Record<string, string> = {}, assertion?: () => Promise<string>) {
    const c = entraConfig(env);
    const consentUrl = (t: string) => `${c.authorityHost}/${t}/adminconsent?client_id=${c.clientId}`;
    const graph = new GraphClient({
      baseUrl: c.graphBaseUrl,
      credential: createDirectoryCredential(c, { ca: fake.ca, assertion }),
      timeoutMs: c.graph.timeoutMs,
      maxRetries: c.graph.maxRetries,
      consentUrl,
      ca: fake.ca,
    });
    return new EntraRoles(graph, {
      clientId: c.clientId,
      consentUrl,
      cacheMs: 60_000,
      now: () => performance.now(),
    });
  }

  const person = () => randomUUID();
  const tokensFor = (tenantId: string) => fake.tokenRequests.filter((r) => r.tenantId === tenantId).length;

  it('R1: Global admin by a direct role assignment, compared by role template id', async () => {
    const admin = person();
    const member = person();
    fake.makeGlobalAdmin(TENANT_A, admin);
    fake.tenant(TENANT_A).roleAssignments.push({
      id: randomUUID(),
      principalId: member,
      roleDefinitionId: GLOBAL_READER,
      directoryScopeId: '/',
    });
    const r = roles();
    expect(await r.read(TENANT_A, admin)).to.deep.equal({ roles: ['globalAdmin'], association: 'mpn' });
    expect(await r.read(TENANT_A, member)).to.deep.equal({ roles: [], association: 'mpn' });
  });

  it('R1: Global admin held through a group (transitiveMemberOf), whatever the role object id in that tenant', async () => {
    const viaGroup = person();
    fake.tenant(TENANT_B).rolesViaGroups.set(viaGroup, [
      { id: randomUUID(), roleTemplateId: GLOBAL_READER },
      { id: randomUUID(), roleTemplateId: '62e90394-69f5-4237-9190-012177145e10' },
    ]);
    expect((await roles().read(TENANT_B, viaGroup)).roles).to.deep.equal(['globalAdmin']);
  });

  it('a Global admin assignment scoped to an administrative unit is not Global admin', async () => {
    const scoped = person();
    fake.tenant(TENANT_A).roleAssignments.push({
      id: randomUUID(),
      principalId: scoped,
      roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
      directoryScopeId: '/administrativeUnits/1234',
    });
    expect((await roles().read(TENANT_A, scoped)).roles).to.deep.equal([]);
  });

  it('R1, R3, R4: app roles of the bot’s own app give MPN partner admin, Admin agent, support lead and CSP-only', async () => {
    const partnerAdmin = person();
    const agent = person();
    const cspOnly = person();
    fake.assignAppRole(TENANT_A, partnerAdmin, 'Benefits.Admin');
    fake.assignAppRole(TENANT_A, partnerAdmin, 'Support.Lead');
    fake.assignAppRole(TENANT_A, agent, 'Csp.AdminAgent');
    fake.assignAppRole(TENANT_A, cspOnly, 'Account.CspOnly');
    fake.assignAppRole(TENANT_A, cspOnly, 'Csp.AdminAgent');
    // The same role id on another app's service principal means nothing here.
    fake.tenant(TENANT_A).appRoleAssignments.push({
      principalId: agent,
      resourceId: randomUUID(),
      appRoleId: '1b4f816e-5eaf-48b9-8613-7923830595ad',
    });
    const r = roles();
    expect(await r.read(TENANT_A, partnerAdmin)).to.deep.equal({
      roles: ['mpnPartnerAdmin', 'supportLead'],
      association: 'mpn',
    });
    expect(await r.read(TENANT_A, agent)).to.deep.equal({ roles: ['adminAgent'], association: 'mpn' });
    expect(await r.read(TENANT_A, cspOnly)).to.deep.equal({ roles: ['adminAgent'], association: 'cspOnly' });
  });

  it('follows Graph’s next pages (and only to Graph)', async () => {
    const many = person();
    for (let i = 0; i < 4; i++)
      fake.tenant(TENANT_A).roleAssignments.push({
        id: randomUUID(),
        principalId: many,
        roleDefinitionId: GLOBAL_READER,
        directoryScopeId: '/',
      });
    fake.makeGlobalAdmin(TENANT_A, many); // the fifth: on the third page of two
    fake.pageSize = 2;
    expect((await roles().read(TENANT_A, many)).roles).to.deep.equal(['globalAdmin']);
    expect(fake.graphRequests.filter((g) => g.path.includes('skiptoken')).length).to.be.at.least(2);
  });

  it('tokens: one per tenant, from the tenant’s own endpoint, cached, renewed before they expire', async () => {
    const r = roles();
    const a0 = tokensFor(TENANT_A);
    const b0 = tokensFor(TENANT_B);
    await r.read(TENANT_A, person());
    await r.read(TENANT_A, person());
    expect(tokensFor(TENANT_A) - a0, 'tenant A: one token for two checks').to.equal(1);
    await r.read(TENANT_B, person());
    expect(tokensFor(TENANT_B) - b0, 'tenant B: its own token').to.equal(1);

    // A token within MSAL's renewal margin (5 minutes) is asked for again, not used until it fails.
    fake.expiresIn = 120;
    const short = roles();
    await short.read(TENANT_A, person());
    const before = tokensFor(TENANT_A);
    await short.read(TENANT_A, person());
    expect(tokensFor(TENANT_A) - before, 'a renewed token for the second check').to.be.at.least(1);
  });

  it('ClientCertificateCredential: the assertion is signed with the configured certificate', async () => {
    const before = fake.tokenRequests.filter((t) => t.kind === 'certificate').length;
    const r = roles({ ENTRA_CREDENTIAL: 'certificate', ENTRA_CERTIFICATE_PATH: clientCert.combinedPath });
    const admin = person();
    fake.makeGlobalAdmin(TENANT_B, admin);
    expect((await r.read(TENANT_B, admin)).roles).to.deep.equal(['globalAdmin']);
    expect(fake.tokenRequests.filter((t) => t.kind === 'certificate').length - before).to.equal(1);
  });

  it('ClientAssertionCredential: a managed identity’s token as the federated credential (stand-in assertion, no metadata probe)', async () => {
    let asked = 0;
    const r = roles({ ENTRA_CREDENTIAL: 'managedIdentity' }, async () => {
      asked += 1;
      return FEDERATED;
    });
    const before = fake.tokenRequests.length;
    await r.read(TENANT_A, person());
    expect(asked).to.be.at.least(1);
    expect(fake.tokenRequests.slice(before)).to.deep.equal([{ tenantId: TENANT_A, kind: 'assertion' }]);
  });

  it('a wrong secret: the check is unavailable (and nothing is granted)', async () => {
    const err = await roles({ ENTRA_CLIENT_SECRET: 'wrong' })
      .read(TENANT_A, person())
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RoleCheckUnavailableError);
    expect((err as RoleCheckUnavailableError).reason).to.include('7000215');
  });

  it('429 with Retry-After: waits as told, then answers', async () => {
    const admin = person();
    fake.makeGlobalAdmin(TENANT_A, admin);
    const r = roles();
    await r.read(TENANT_A, person()); // token and service principal in hand
    fake.script(429, 1, 1);
    const t0 = performance.now();
    expect((await r.read(TENANT_A, admin)).roles).to.deep.equal(['globalAdmin']);
    expect(performance.now() - t0).to.be.within(950, 2500);
  });

  it('503 again and again: bounded retries, then unavailable', async () => {
    const r = roles({ GRAPH_MAX_RETRIES: '2' });
    await r.read(TENANT_A, person());
    const before = fake.graphRequests.length;
    fake.script(503, 50, 0);
    const err = await r.read(TENANT_A, person()).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RoleCheckUnavailableError);
    // Three calls in parallel, each tried at most 1 + 2 times.
    expect(fake.graphRequests.length - before).to.be.at.most(9);
  });

  it('a Retry-After longer than the time left: unavailable at once, not after the wait', async () => {
    const r = roles();
    await r.read(TENANT_A, person());
    fake.script(503, 3, 120);
    const t0 = performance.now();
    const err = await r.read(TENANT_A, person()).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RoleCheckUnavailableError);
    expect(performance.now() - t0).to.be.below(1000);
  });

  it('Graph that never answers: unavailable when the check’s time is up', async () => {
    const r = roles({ GRAPH_TIMEOUT_MS: '600' });
    await r.read(TENANT_A, person());
    fake.hang(3);
    const t0 = performance.now();
    const err = await r.read(TENANT_A, person()).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RoleCheckUnavailableError);
    expect(performance.now() - t0).to.be.within(500, 1500);
  });

  it('Graph unreachable: unavailable', async () => {
    const r = roles({ GRAPH_BASE_URL: 'https://127.0.0.1:9' });
    const err = await r.read(TENANT_A, person()).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RoleCheckUnavailableError);
  });

  it('not consented: the sign-in service does not know the app in that tenant (AADSTS700016) → the consent link', async () => {
    const tenant = randomUUID();
    fake.unknownTenants.add(tenant);
    const err = await roles()
      .read(tenant, person())
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConsentRequiredError);
    expect((err as ConsentRequiredError).consentUrl).to.equal(
      `${fake.authorityUrl}/${tenant}/adminconsent?client_id=${CLIENT_ID}`,
    );
  });

  it('not consented: no service principal, or Graph permissions refused (403) → the consent link', async () => {
    const noApp = randomUUID();
    fake.tenant(noApp).servicePrincipalId = null;
    expect(
      await roles()
        .read(noApp, person())
        .catch((e: unknown) => e),
    ).to.be.instanceOf(ConsentRequiredError);
    const noPermissions = randomUUID();
    fake.tenant(noPermissions).permissionsConsented = false;
    expect(
      await roles()
        .read(noPermissions, person())
        .catch((e: unknown) => e),
    ).to.be.instanceOf(ConsentRequiredError);
  });
});
