/**
 * Configuration, read once from the environment and validated. Every error names the
 * variable that is wrong, and all errors are reported together.
 */
import fs from 'node:fs';
import path from 'node:path';
import { databaseUrlProblem } from './storage/postgres/databaseUrl';
import { DEFAULT_READ_CACHE_MB } from './storage/readCache';

export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

/** Where people and their roles come from (services/directory). */
export type DirectoryConfig =
  | { kind: 'file' }
  | {
      kind: 'entra';
      /** The bot's own Entra app (its app roles are read in every tenant). */
      clientId: string;
      /** The tenant the app is registered in. */
      homeTenantId: string;
      credential:
        | { kind: 'secret'; secret: string }
        | { kind: 'certificate'; certificatePath: string }
        /** A managed identity's token as the federated credential (no secret); null: system-assigned. */
        | { kind: 'managedIdentity'; managedIdentityClientId: string | null };
      authorityHost: string;
      disableInstanceDiscovery: boolean;
      graphBaseUrl: string;
      /** How long a person's roles are trusted for ordinary turns; privileged actions always ask again. */
      roleCacheMinutes: number;
      /** One role check, retries and Retry-After waits included, and how many retries. */
      graph: { timeoutMs: number; maxRetries: number };
    };

/**
 * How the bot logs in to PostgreSQL (DATABASE_AUTH): DATABASE_URL's password, or a Microsoft Entra
 * token from a managed identity or DefaultAzureCredential (services/storage/postgres/entraPassword.ts).
 */
export type DatabaseAuth =
  | { kind: 'password' }
  /** clientId: a user-assigned managed identity's (AZURE_CLIENT_ID); null: the system-assigned one. */
  | { kind: 'entra-managed-identity' | 'entra-default'; clientId: string | null };

export interface Config {
  nodeEnv: string;
  production: boolean;
  port: number;
  host: string;
  databasePath: string;
  /** DATABASE_URL (postgres://…): selects PostgreSQL instead of SQLite at databasePath. Holds a password: never log it as is (redactDatabaseUrl). */
  databaseUrl: string | null;
  databaseAuth: DatabaseAuth;
  /** PostgreSQL: the longest a statement may take before the turn is told the data can't be reached. */
  databaseStatementTimeoutMs: number;
  /** Seed organisation imported into an empty database at start; null disables it. */
  seedFile: string | null;
  microsoftAppId: string;
  microsoftAppPassword: string;
  microsoftAppTenantId: string;
  microsoftAppType: AppType;
  /** The bot's certificate (PEM with its private key) instead of MICROSOFT_APP_PASSWORD; null when unused. */
  microsoftAppCertificatePath: string | null;
  directory: DirectoryConfig;
  /** Lower-cased tenant ids; empty allows every tenant. */
  allowedTenants: string[];
  maxBodyBytes: number;
  /** The one channel served (Teams); activities from any other channel are refused (403). */
  channelId: string;
  /**
   * Hosts the bot posts replies to when authentication is on (Teams' Bot Connector). A token
   * from another channel of the same registration names another host and is refused.
   */
  serviceUrlHosts: string[];
  /** Open sockets at once; connections beyond it are closed at once. */
  maxConnections: number;
  /** Time allowed to send a request's headers, and the whole request, before a 408 (ms). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed (ms). */
  keepAliveTimeoutMs: number;
  /** Every call to the Bot Connector (replies, alerts): the most it may take, retries included, and how many retries. */
  replies: { timeoutMs: number; maxRetries: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Memoise expanded Adaptive Cards by their data. */
  cardCache: boolean;
  /** Keep cached reads (benefits views, sender checks, dialog state, conversation references) until a commit changes what they read. */
  readCache: boolean;
  /** The most heap cached reads may hold (estimated, bytes), least recently used out first. */
  readCacheBytes: number;
  alerts: {
    /** Whether this process runs an alert dispatcher (on PostgreSQL the instances elect one that sends; the others stand by). */
    enabled: boolean;
    /** The per-tenant budget, for all instances together (Teams: about 50 requests/s per app per tenant). */
    tenantRatePerSecond: number;
    pollMs: number;
    scanEveryMinutes: number;
    /** How long a claimed delivery stays with its dispatcher; a dead one's deliveries are sent again after it (at least once). */
    leaseSeconds: number;
  };
  /** Token buckets on incoming turns (bot/turnLimits.ts): a sender over one is told once, then dropped. */
  turnLimits: {
    enabled: boolean;
    person: { burst: number; perMinute: number };
    tenant: { burst: number; perMinute: number };
  };
  /** Deleting what nobody used for long (services/storage/staleData.ts). */
  staleData: {
    /** Dialog state (bot_state) not written for this many days. */
    stateIdleDays: number;
    /** Conversation references not written for this many days, except those alerts still need. */
    referenceIdleDays: number;
    everyMinutes: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n')}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The project root: compiled files live in dist/services, sources in services. */
export const PROJECT_ROOT = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: { variable: string; reason: string }[] = [];
  const get = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push({
        variable: name,
        reason: `must be a whole number from ${min} to ${max} (got "${raw}")`,
      });
      return fallback;
    }
    return n;
  };
  const readCacheMb = () => {
    // A count of entries said nothing about memory (a benefits view is thousands of times a sender check's size).
    if (get('READ_CACHE_ENTRIES') !== undefined)
      problems.push({
        variable: 'READ_CACHE_ENTRIES',
        reason: 'is no longer read: the read cache is bounded by memory, set READ_CACHE_MB instead',
      });
    return int('READ_CACHE_MB', DEFAULT_READ_CACHE_MB, 1, 4096);
  };
  const oneOf = <T extends string>(name: string, fallback: T, allowed: readonly T[]): T => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push({ variable: name, reason: `must be one of ${allowed.join(', ')} (got "${raw}")` });
      return fallback;
    }
    return raw as T;
  };

  const nodeEnv = get('NODE_ENV') ?? 'development';
  const production = nodeEnv === 'production';
  const microsoftAppId = get('MICROSOFT_APP_ID') ?? '';
  if (microsoftAppId && !GUID.test(microsoftAppId)) {
    problems.push({ variable: 'MICROSOFT_APP_ID', reason: 'must be the bot registration’s app id (a GUID)' });
  }
  if (production && !microsoftAppId) {
    problems.push({
      variable: 'MICROSOFT_APP_ID',
      reason: 'is required when NODE_ENV=production: without it anyone could post activities to the bot',
    });
  }
  // New multi-tenant Azure Bot registrations are deprecated (2025-07-31); a single-tenant bot still serves other tenants.
  const microsoftAppType = oneOf<AppType>('MICROSOFT_APP_TYPE', 'SingleTenant', [
    'MultiTenant',
    'SingleTenant',
    'UserAssignedMSI',
  ]);
  const microsoftAppPassword = get('MICROSOFT_APP_PASSWORD') ?? '';
  const microsoftAppCertificatePath = readablePem(
    'MICROSOFT_APP_CERTIFICATE_PATH',
    get('MICROSOFT_APP_CERTIFICATE_PATH'),
    problems,
  );
  if (microsoftAppCertificatePath && microsoftAppPassword) {
    problems.push({
      variable: 'MICROSOFT_APP_CERTIFICATE_PATH',
      reason: 'set either MICROSOFT_APP_PASSWORD or MICROSOFT_APP_CERTIFICATE_PATH, not both',
    });
  }
  if (
    microsoftAppId &&
    microsoftAppType !== 'UserAssignedMSI' &&
    !microsoftAppPassword &&
    !get('MICROSOFT_APP_CERTIFICATE_PATH')
  ) {
    problems.push({
      variable: 'MICROSOFT_APP_PASSWORD',
      reason:
        'is required with MICROSOFT_APP_ID (client secret), unless MICROSOFT_APP_CERTIFICATE_PATH is set',
    });
  }
  const microsoftAppTenantId = get('MICROSOFT_APP_TENANT_ID') ?? '';
  // Without an app id authentication is off (local runs): no registration, no tenant to name.
  if (microsoftAppId && microsoftAppType !== 'MultiTenant' && !GUID.test(microsoftAppTenantId)) {
    problems.push({
      variable: 'MICROSOFT_APP_TENANT_ID',
      reason: `must be a tenant GUID when MICROSOFT_APP_TYPE=${microsoftAppType}`,
    });
  }
  const allowedTenants = (get('ALLOWED_TENANTS') ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const badTenants = allowedTenants.filter((t) => !GUID.test(t));
  if (badTenants.length) {
    problems.push({
      variable: 'ALLOWED_TENANTS',
      reason: `must be comma-separated tenant GUIDs (bad: ${badTenants.join(', ')})`,
    });
  }
  const seed = get('SEED_ORGANISATION');
  const databaseUrl = get('DATABASE_URL') ?? null;
  const databaseUrlReason = databaseUrl === null ? null : databaseUrlProblem(databaseUrl);
  if (databaseUrlReason) problems.push({ variable: 'DATABASE_URL', reason: databaseUrlReason });
  const databaseAuth = databaseLogin(get, oneOf, problems, databaseUrlReason ? null : databaseUrl);
  const config: Config = {
    nodeEnv,
    production,
    port: int('PORT', 3978, 0, 65535), // 0: any free port (tests)
    // Authentication off (no app id) is for local use: loopback only unless HOST says otherwise.
    host: get('HOST') ?? (microsoftAppId ? '0.0.0.0' : '127.0.0.1'),
    databasePath: path.resolve(PROJECT_ROOT, get('DATABASE_PATH') ?? 'data/partner-support.sqlite'),
    databaseUrl,
    databaseAuth,
    databaseStatementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', 5_000, 100, 600_000),
    seedFile: seedFile(seed, production),
    microsoftAppId,
    microsoftAppPassword,
    microsoftAppTenantId,
    microsoftAppType,
    microsoftAppCertificatePath,
    directory: directory(
      get,
      int,
      oneOf,
      problems,
      microsoftAppId,
      microsoftAppTenantId,
      microsoftAppPassword,
    ),
    allowedTenants,
    maxBodyBytes: int('MAX_BODY_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024),
    channelId: channel(get('SERVED_CHANNEL'), problems),
    serviceUrlHosts: hosts(get('SERVICE_URL_HOSTS'), problems),
    maxConnections: int('MAX_CONNECTIONS', 1024, 1, 100_000),
    headersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', 5_000, 100, 120_000),
    requestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 10_000, 100, 300_000),
    keepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 30_000, 100, 600_000),
    replies: {
      timeoutMs: int('REPLY_TIMEOUT_MS', 10_000, 100, 120_000),
      maxRetries: int('REPLY_MAX_RETRIES', 2, 0, 5),
    },
    logLevel: oneOf('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error']),
    cardCache: oneOf('CARD_CACHE', 'on', ['on', 'off']) === 'on',
    readCache: oneOf('READ_CACHE', 'on', ['on', 'off']) === 'on',
    readCacheBytes: readCacheMb() * 1024 * 1024,
    alerts: {
      enabled: oneOf('ALERTS_ENABLED', 'true', ['true', 'false']) === 'true',
      tenantRatePerSecond: int('ALERT_TENANT_RATE_PER_SECOND', 50, 1, 1000),
      pollMs: int('ALERT_POLL_MS', 1000, 50, 60_000),
      scanEveryMinutes: int('ALERT_SCAN_MINUTES', 60, 1, 24 * 60),
      leaseSeconds: int('ALERT_LEASE_SECONDS', 120, 5, 3600),
    },
    // Defaults stop floods, not people (README, Configuration): a person may send 60 turns at
    // once and 2 a second after that; a tenant 1,500 at once and 50 a second, the rate at which
    // Teams lets the bot answer one tenant.
    turnLimits: {
      enabled: oneOf('TURN_LIMITS', 'on', ['on', 'off']) === 'on',
      person: {
        burst: int('PERSON_TURN_BURST', 60, 1, 1_000_000),
        perMinute: int('PERSON_TURNS_PER_MINUTE', 120, 1, 10_000_000),
      },
      tenant: {
        burst: int('TENANT_TURN_BURST', 1_500, 1, 1_000_000),
        perMinute: int('TENANT_TURNS_PER_MINUTE', 3_000, 1, 10_000_000),
      },
    },
    staleData: {
      stateIdleDays: int('STATE_IDLE_DAYS', 30, 1, 3_650),
      referenceIdleDays: int('REFERENCE_IDLE_DAYS', 365, 1, 36_500),
      everyMinutes: int('STALE_DATA_CLEANUP_MINUTES', 60, 1, 7 * 24 * 60),
    },
  };
  if (config.requestTimeoutMs < config.headersTimeoutMs) {
    problems.push({
      variable: 'HTTP_REQUEST_TIMEOUT_MS',
      reason: `must be at least HTTP_HEADERS_TIMEOUT_MS (${config.headersTimeoutMs})`,
    });
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** For entry points: prints every configuration problem, by variable, and exits 1 instead of throwing. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

type Problems = { variable: string; reason: string }[];

/** DATABASE_AUTH and AZURE_CLIENT_ID; with Entra, DATABASE_URL names the login role and no password. */
function databaseLogin(
  get: (name: string) => string | undefined,
  oneOf: <T extends string>(name: string, fallback: T, allowed: readonly T[]) => T,
  problems: Problems,
  databaseUrl: string | null,
): DatabaseAuth {
  const kind = oneOf('DATABASE_AUTH', 'password', ['password', 'entra-managed-identity', 'entra-default']);
  if (kind === 'password') return { kind };
  const clientId = get('AZURE_CLIENT_ID') ?? null;
  if (clientId !== null && !GUID.test(clientId))
    problems.push({
      variable: 'AZURE_CLIENT_ID',
      reason: `must be the user-assigned managed identity's client id (a GUID) or empty for the system-assigned one (got "${clientId}")`,
    });
  if (get('DATABASE_URL') === undefined)
    problems.push({
      variable: 'DATABASE_AUTH',
      reason: `${kind} logs in to PostgreSQL: set DATABASE_URL too (postgres://<Entra role name>@host:5432/database?sslmode=verify-full)`,
    });
  else if (databaseUrl) {
    const url = new URL(databaseUrl);
    if (url.password)
      problems.push({
        variable: 'DATABASE_URL',
        reason: `must hold no password with DATABASE_AUTH=${kind} (an Entra token is the password): remove it`,
      });
    if (!url.username)
      problems.push({
        variable: 'DATABASE_URL',
        reason: `must name the PostgreSQL role of the managed identity or Entra principal with DATABASE_AUTH=${kind}, as in postgres://my-bot-identity@host:5432/database`,
      });
  }
  return { kind, clientId };
}

/** DIRECTORY=entra: every variable it needs checked here, so that a bad one stops the start (named). */
function directory(
  get: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max: number) => number,
  oneOf: <T extends string>(name: string, fallback: T, allowed: readonly T[]) => T,
  problems: Problems,
  appId: string,
  appTenantId: string,
  appPassword: string,
): DirectoryConfig {
  if (oneOf('DIRECTORY', 'file', ['file', 'entra']) === 'file') return { kind: 'file' };
  const guid = (name: string, value: string | undefined, fallbackName: string) => {
    if (value && GUID.test(value)) return value.toLowerCase();
    problems.push({
      variable: name,
      reason: value
        ? `must be a GUID (got "${value.slice(0, 80)}")`
        : `is required with DIRECTORY=entra (or set ${fallbackName})`,
    });
    return '';
  };
  const clientId = guid(
    'ENTRA_CLIENT_ID',
    get('ENTRA_CLIENT_ID') ?? (appId || undefined),
    'MICROSOFT_APP_ID',
  );
  const homeTenantId = guid(
    'ENTRA_TENANT_ID',
    get('ENTRA_TENANT_ID') ?? (appTenantId || undefined),
    'MICROSOFT_APP_TENANT_ID',
  );
  const kind = get('ENTRA_CREDENTIAL');
  let credential: Extract<DirectoryConfig, { kind: 'entra' }>['credential'] = { kind: 'secret', secret: '' };
  if (kind === 'secret' || kind === undefined) {
    const secret = get('ENTRA_CLIENT_SECRET') ?? appPassword;
    if (!secret)
      problems.push({
        variable: 'ENTRA_CLIENT_SECRET',
        reason:
          'is required with DIRECTORY=entra and ENTRA_CREDENTIAL=secret (or set MICROSOFT_APP_PASSWORD, or choose ENTRA_CREDENTIAL=certificate or managedIdentity)',
      });
    credential = { kind: 'secret', secret };
  } else if (kind === 'certificate') {
    const certificatePath = readablePem('ENTRA_CERTIFICATE_PATH', get('ENTRA_CERTIFICATE_PATH'), problems);
    if (!get('ENTRA_CERTIFICATE_PATH'))
      problems.push({
        variable: 'ENTRA_CERTIFICATE_PATH',
        reason: 'is required with ENTRA_CREDENTIAL=certificate',
      });
    credential = { kind: 'certificate', certificatePath: certificatePath ?? '' };
  } else if (kind === 'managedIdentity') {
    const mi = get('ENTRA_MANAGED_IDENTITY_CLIENT_ID');
    if (mi && !GUID.test(mi))
      problems.push({
        variable: 'ENTRA_MANAGED_IDENTITY_CLIENT_ID',
        reason: `must be the user-assigned managed identity's client id, a GUID (got "${mi.slice(0, 80)}")`,
      });
    credential = { kind: 'managedIdentity', managedIdentityClientId: mi ?? null };
  } else {
    problems.push({
      variable: 'ENTRA_CREDENTIAL',
      reason: `must be one of secret, certificate, managedIdentity (got "${kind.slice(0, 80)}")`,
    });
  }
  return {
    kind: 'entra',
    clientId,
    homeTenantId,
    credential,
    authorityHost: httpsUrl(
      'ENTRA_AUTHORITY_HOST',
      get('ENTRA_AUTHORITY_HOST'),
      'https://login.microsoftonline.com',
      problems,
    ),
    disableInstanceDiscovery:
      oneOf('ENTRA_DISABLE_INSTANCE_DISCOVERY', 'false', ['true', 'false']) === 'true',
    graphBaseUrl: httpsUrl('GRAPH_BASE_URL', get('GRAPH_BASE_URL'), 'https://graph.microsoft.com', problems),
    roleCacheMinutes: int('ENTRA_ROLE_CACHE_MINUTES', 5, 1, 60),
    graph: {
      // Inside Teams' few seconds for an answer, with room for the reply itself.
      timeoutMs: int('GRAPH_TIMEOUT_MS', 4_000, 100, 60_000),
      maxRetries: int('GRAPH_MAX_RETRIES', 2, 0, 5),
    },
  };
}

/** An https URL without a trailing slash; @azure/identity refuses http authorities, and tokens go only over TLS. */
function httpsUrl(name: string, raw: string | undefined, fallback: string, problems: Problems): string {
  if (raw === undefined) return fallback;
  try {
    const url = new URL(raw);
    if (url.protocol === 'https:' && !url.search && !url.hash) return url.toString().replace(/\/+$/, '');
  } catch {
    /* reported below */
  }
  problems.push({
    variable: name,
    reason: `must be an https URL such as ${fallback} (got "${raw.slice(0, 120)}")`,
  });
  return fallback;
}

/** A PEM file with a certificate and its private key, readable now (not at the first token). */
function readablePem(name: string, raw: string | undefined, problems: Problems): string | null {
  if (raw === undefined) return null;
  const file = path.resolve(PROJECT_ROOT, raw);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    problems.push({
      variable: name,
      reason: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    });
    return null;
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(text) || !/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(text)) {
    problems.push({ variable: name, reason: `${file} must be PEM with the certificate and its private key` });
    return null;
  }
  return file;
}

/** Bot Framework channel ids are short lower-case words (msteams, directline, emulator). */
function channel(raw: string | undefined, problems: { variable: string; reason: string }[]): string {
  if (raw === undefined) return 'msteams';
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(raw)) {
    problems.push({
      variable: 'SERVED_CHANNEL',
      reason: `must be a channel id such as msteams (got "${raw}")`,
    });
    return 'msteams';
  }
  return raw;
}

/** Teams' Bot Connector: the public cloud, then GCC, GCC High and DoD. */
export const TEAMS_SERVICE_URL_HOSTS = [
  'smba.trafficmanager.net',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
];

function hosts(raw: string | undefined, problems: { variable: string; reason: string }[]): string[] {
  if (raw === undefined) return TEAMS_SERVICE_URL_HOSTS;
  const list = raw
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const bad = list.filter((h) => !/^[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/.test(h));
  if (bad.length || list.length === 0)
    problems.push({
      variable: 'SERVICE_URL_HOSTS',
      reason: `must be comma-separated host names (bad: ${bad.join(', ') || 'empty'})`,
    });
  return list;
}

/** The demo organisation seeds development databases; production seeds nothing unless told to. */
function seedFile(seed: string | undefined, production: boolean): string | null {
  if (seed === 'none') return null;
  if (seed) return path.resolve(PROJECT_ROOT, seed);
  return production ? null : path.resolve(PROJECT_ROOT, 'examples/demo-org.json');
}
