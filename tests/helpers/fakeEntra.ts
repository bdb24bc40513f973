/**
 * Local HTTPS stand-ins for the Microsoft Entra sign-in service (the authority @azure/identity/MSAL
 * talks to) and Microsoft Graph, with a certificate made for the test (openssl, SAN IP:127.0.0.1) that
 * the credential trusts through its tlsOptions. The authority checks the client credential it gets
 * (secret, certificate-signed assertion, federated assertion) and issues a token per tenant; Graph
 * accepts only those tokens, answers from per-tenant data the test edits, and can be told to throttle,
 * fail, hang or refuse (not consented).
 */
import { execFileSync } from 'node:child_process';
import crypto, { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
/** Another built-in role (Global Reader): a template id that must not count as Global admin. */
export const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';

export interface TestCertificate {
  dir: string;
  cert: string;
  key: string;
  /** Certificate and private key in one PEM file (what ClientCertificateCredential reads). */
  combinedPath: string;
}

/** A self-signed certificate for 127.0.0.1, made with openssl. */
export function makeCertificate(subject = '127.0.0.1'): TestCertificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-tls-'));
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      `/CN=${subject}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const cert = fs.readFileSync(certPath, 'utf8');
  const key = fs.readFileSync(keyPath, 'utf8');
  const combinedPath = path.join(dir, 'combined.pem');
  fs.writeFileSync(combinedPath, `${cert}\n${key}`);
  return { dir, cert, key, combinedPath };
}

export interface AppRoleDef {
  id: string;
  value: string;
}

/** The app roles of the bot's Entra app, with fixed ids as an app manifest gives them. */
export const APP_ROLES: Record<
  'Benefits.Admin' | 'Csp.AdminAgent' | 'Support.Lead' | 'Account.CspOnly',
  AppRoleDef
> = {
  'Benefits.Admin': { id: '1b4f816e-5eaf-48b9-8613-7923830595ad', value: 'Benefits.Admin' },
  'Csp.AdminAgent': { id: '2c5a927f-6fb0-49ca-9724-8a34941606be', value: 'Csp.AdminAgent' },
  'Support.Lead': { id: '3d6ba380-70c1-4adb-a835-9b45a52717cf', value: 'Support.Lead' },
  'Account.CspOnly': { id: '4e7cb491-81d2-4bec-b946-ac56b63828d0', value: 'Account.CspOnly' },
};

export interface TenantData {
  /** The bot's service principal in this tenant; null: the app was never consented here. */
  servicePrincipalId: string | null;
  /** false: the app is there but its Graph permissions were not consented (Graph answers 403). */
  permissionsConsented: boolean;
  roleAssignments: { id: string; principalId: string; roleDefinitionId: string; directoryScopeId: string }[];
  /** Directory roles held through groups, by person; each with this tenant's own object id. */
  rolesViaGroups: Map<string, { id: string; roleTemplateId: string }[]>;
  appRoleAssignments: { principalId: string; resourceId: string; appRoleId: string }[];
}

export interface GraphRequest {
  tenantId: string;
  path: string;
  status: number;
}

export interface FakeEntra {
  authorityUrl: string;
  graphUrl: string;
  ca: string;
  clientId: string;
  /** Token requests, in order. */
  tokenRequests: { tenantId: string; kind: 'secret' | 'certificate' | 'assertion' }[];
  graphRequests: GraphRequest[];
  /** expires_in of the tokens issued from now on (seconds). */
  expiresIn: number;
  /** Tenants whose sign-in answers AADSTS700016 (the app is not in that directory). */
  unknownTenants: Set<string>;
  tenant(tenantId: string): TenantData;
  makeGlobalAdmin(tenantId: string, aadObjectId: string): void;
  removeRoleAssignments(tenantId: string, aadObjectId: string): void;
  assignAppRole(tenantId: string, aadObjectId: string, role: keyof typeof APP_ROLES): void;
  /** The next `times` Graph requests answer `status` (with Retry-After seconds when given). */
  script(status: number, times?: number, retryAfterSeconds?: number): void;
  /** Forgets scripted answers and hangs still waiting. */
  clearScripts(): void;
  /** The next `times` Graph requests never answer. */
  hang(times?: number): void;
  /** Items per page of Graph collections (nextLink paging). */
  pageSize: number;
  close(): Promise<void>;
}

export interface FakeEntraOptions {
  clientId: string;
  secret?: string;
  /** The certificate whose key signs client assertions (ClientCertificateCredential). */
  clientCertificate?: string;
  /** The federated assertion accepted (ClientAssertionCredential). */
  federatedAssertion?: string;
}

export async function startFakeEntra(
  o: FakeEntraOptions,
): Promise<FakeEntra & { certificate: TestCertificate }> {
  const certificate = makeCertificate();
  const tenants = new Map<string, TenantData>();
  const scripts: { status: number; remaining: number; retryAfter?: number }[] = [];
  let hangs = 0;
  let issued = 0;
  const hung: import('node:http').ServerResponse[] = [];

  const fake = {
    authorityUrl: '',
    graphUrl: '',
    ca: certificate.cert,
    clientId: o.clientId,
    certificate,
    tokenRequests: [] as FakeEntra['tokenRequests'],
    graphRequests: [] as GraphRequest[],
    expiresIn: 3600,
    unknownTenants: new Set<string>(),
    pageSize: 100,
    tenant(tenantId: string): TenantData {
      let t = tenants.get(tenantId);
      if (!t) {
        t = {
          servicePrincipalId: randomUUID(),
          permissionsConsented: true,
          roleAssignments: [],
          rolesViaGroups: new Map(),
          appRoleAssignments: [],
        };
        tenants.set(tenantId, t);
      }
      return t;
    },
    makeGlobalAdmin(tenantId: string, aadObjectId: string) {
      fake.tenant(tenantId).roleAssignments.push({
        id: randomUUID(),
        principalId: aadObjectId,
        roleDefinitionId: GLOBAL_ADMIN, // built-in roles: the definition id is the template id
        directoryScopeId: '/',
      });
    },
    removeRoleAssignments(tenantId: string, aadObjectId: string) {
      const t = fake.tenant(tenantId);
      t.roleAssignments = t.roleAssignments.filter((a) => a.principalId !== aadObjectId);
    },
    assignAppRole(tenantId: string, aadObjectId: string, role: keyof typeof APP_ROLES) {
      const t = fake.tenant(tenantId);
      t.appRoleAssignments.push({
        principalId: aadObjectId,
        resourceId: t.servicePrincipalId ?? '',
        appRoleId: APP_ROLES[role].id,
      });
    },
    script(status: number, times = 1, retryAfterSeconds?: number) {
      scripts.push({ status, remaining: times, retryAfter: retryAfterSeconds });
    },
    hang(times = 1) {
      hangs = times;
    },
    clearScripts() {
      scripts.length = 0;
      hangs = 0;
    },
    close: async () => {
      for (const res of hung) res.destroy();
      await Promise.all(
        [authority, graph].map(
          (s) =>
            new Promise<void>((r) => {
              s.close(() => r());
              s.closeAllConnections();
            }),
        ),
      );
      fs.rmSync(certificate.dir, { recursive: true, force: true });
    },
  };

  const json = (
    res: import('node:http').ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const authority = https.createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', fake.authorityUrl);
      const [tenantId, ...rest] = url.pathname.replace(/^\//, '').split('/');
      const tail = rest.join('/');
      if (req.method === 'GET' && tail === 'v2.0/.well-known/openid-configuration') {
        json(res, 200, {
          issuer: `${fake.authorityUrl}/${tenantId}/v2.0`,
          authorization_endpoint: `${fake.authorityUrl}/${tenantId}/oauth2/v2.0/authorize`,
          token_endpoint: `${fake.authorityUrl}/${tenantId}/oauth2/v2.0/token`,
          jwks_uri: `${fake.authorityUrl}/${tenantId}/discovery/v2.0/keys`,
        });
        return;
      }
      if (req.method !== 'POST' || tail !== 'oauth2/v2.0/token') {
        json(res, 404, { error: 'not_found' });
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const deny = (code: number, text: string) =>
        json(res, 400, {
          error: 'invalid_client',
          error_description: `AADSTS${code}: ${text}`,
          error_codes: [code],
        });
      if (form.get('client_id') !== o.clientId || form.get('grant_type') !== 'client_credentials')
        return deny(
          700016,
          `Application with identifier '${form.get('client_id')}' was not found in the directory.`,
        );
      if (fake.unknownTenants.has(tenantId))
        return deny(
          700016,
          `Application with identifier '${o.clientId}' was not found in the directory '${tenantId}'.`,
        );
      let kind: 'secret' | 'certificate' | 'assertion';
      const secret = form.get('client_secret');
      const assertion = form.get('client_assertion');
      if (secret !== null) {
        if (secret !== o.secret) return deny(7000215, 'Invalid client secret provided.');
        kind = 'secret';
      } else if (assertion !== null && assertion === o.federatedAssertion) {
        kind = 'assertion';
      } else if (
        assertion !== null &&
        o.clientCertificate &&
        verifiesWith(assertion, o.clientCertificate, o.clientId, `${url.origin}${url.pathname}`)
      ) {
        kind = 'certificate';
      } else {
        return deny(700027, 'Client assertion failed signature validation.');
      }
      fake.tokenRequests.push({ tenantId, kind });
      issued += 1;
      json(res, 200, {
        token_type: 'Bearer',
        access_token: `fake.${tenantId}.${issued}`,
        expires_in: fake.expiresIn,
        ext_expires_in: fake.expiresIn,
      });
    });
  });

  const graph = https.createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    const url = new URL(req.url ?? '/', fake.graphUrl);
    const auth = /^Bearer fake\.([0-9a-f-]{36})\.\d+$/.exec(req.headers.authorization ?? '');
    const tenantId = auth?.[1] ?? '';
    const record = (status: number) =>
      fake.graphRequests.push({ tenantId, path: url.pathname + url.search, status });
    if (hangs > 0) {
      hangs -= 1;
      hung.push(res);
      record(0);
      return;
    }
    const scripted = scripts[0];
    if (scripted) {
      scripted.remaining -= 1;
      if (scripted.remaining <= 0) scripts.shift();
      record(scripted.status);
      json(
        res,
        scripted.status,
        {
          error: {
            code: scripted.status === 429 ? 'TooManyRequests' : 'serviceNotAvailable',
            message: 'scripted',
          },
        },
        scripted.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {},
      );
      return;
    }
    if (!auth) {
      record(401);
      json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
      return;
    }
    const t = fake.tenant(tenantId);
    const answer = (status: number, body: unknown) => {
      record(status);
      json(res, status, body);
    };
    if (!t.permissionsConsented) {
      answer(403, {
        error: {
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
        },
      });
      return;
    }
    const page = <T>(items: T[]) => {
      const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
      const slice = items.slice(skip, skip + fake.pageSize);
      const next = skip + fake.pageSize < items.length ? new URL(url.href) : null;
      next?.searchParams.set('$skiptoken', String(skip + fake.pageSize));
      answer(200, { value: slice, ...(next ? { '@odata.nextLink': next.href } : {}) });
    };
    const p = decodeURIComponent(url.pathname);
    const filter = url.searchParams.get('$filter') ?? '';
    let m: RegExpExecArray | null;
    if ((m = /^\/v1\.0\/servicePrincipals\(appId='([^']+)'\)$/.exec(p))) {
      if (m[1] !== o.clientId || !t.servicePrincipalId)
        return answer(404, { error: { code: 'Request_ResourceNotFound', message: 'not found' } });
      return answer(200, {
        id: t.servicePrincipalId,
        appRoles: Object.values(APP_ROLES).map((r) => ({ ...r, isEnabled: true })),
      });
    }
    if (p === '/v1.0/roleManagement/directory/roleAssignments') {
      const f = /^principalId eq '([0-9a-f-]{36})'$/.exec(filter);
      if (!f) return answer(400, { error: { code: 'BadRequest', message: 'filter required' } });
      const expand = (url.searchParams.get('$expand') ?? '').startsWith('roleDefinition');
      return page(
        t.roleAssignments
          .filter((a) => a.principalId === f[1])
          .map((a) => ({
            ...a,
            ...(expand ? { roleDefinition: { id: a.roleDefinitionId, templateId: a.roleDefinitionId } } : {}),
          })),
      );
    }
    if (
      (m = /^\/v1\.0\/users\/([0-9a-f-]{36})\/transitiveMemberOf\/microsoft\.graph\.directoryRole$/.exec(p))
    )
      return page(t.rolesViaGroups.get(m[1]) ?? []);
    if ((m = /^\/v1\.0\/users\/([0-9a-f-]{36})\/appRoleAssignments$/.exec(p))) {
      const f = /^resourceId eq ([0-9a-f-]{36})$/.exec(filter);
      const who = m[1];
      return page(t.appRoleAssignments.filter((a) => a.principalId === who && (!f || a.resourceId === f[1])));
    }
    answer(404, { error: { code: 'Request_ResourceNotFound', message: `no route ${p}` } });
  });

  const listen = (s: https.Server) =>
    new Promise<string>((resolve) =>
      s.listen(0, '127.0.0.1', () => resolve(`https://127.0.0.1:${(s.address() as AddressInfo).port}`)),
    );
  fake.authorityUrl = await listen(authority);
  fake.graphUrl = await listen(graph);
  return fake;
}

/** A client assertion signed with the certificate's key, for this client and this token endpoint. */
function verifiesWith(assertion: string, certPem: string, clientId: string, tokenUrl: string): boolean {
  const [h, p, s] = assertion.split('.');
  if (!h || !p || !s) return false;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
  const key = new crypto.X509Certificate(certPem).publicKey;
  const pss = header.alg === 'PS256';
  if (!pss && header.alg !== 'RS256') return false;
  const ok = crypto.verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    pss ? { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key,
    Buffer.from(s, 'base64url'),
  );
  if (!ok) return false;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as {
    iss?: string;
    sub?: string;
    aud?: string;
    exp?: number;
  };
  return (
    claims.iss === clientId &&
    claims.sub === clientId &&
    claims.aud === tokenUrl &&
    (claims.exp ?? 0) * 1000 > Date.now()
  );
}
