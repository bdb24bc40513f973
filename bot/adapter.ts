import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder';
import { CertificateServiceClientCredentialsFactory } from 'botframework-connector';
import type {
  AuthenticateRequestResult,
  AuthenticationConfiguration,
  BotFrameworkAuthentication,
  ServiceClientCredentialsFactory,
} from 'botframework-connector';
import { InvalidActivityError, parseActivity } from './activitySchema';
import type { Config } from '../services/config';
import { ReusedClientsAuthentication } from './connectorCache';
import { isReplyFailure } from './connectorPolicy';
import type { Logger } from './logger';

export interface AdapterOptions {
  /** Overrides for the offline authentication tests (local OpenID metadata, issuers). */
  authOverrides?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  credentialsFactory?: ServiceClientCredentialsFactory;
  authConfiguration?: AuthenticationConfiguration;
}

export function createAdapter(
  config: Config,
  logger: Logger,
  options: AdapterOptions = {},
): PartnerSupportAdapter {
  if (!config.microsoftAppId) {
    logger.warn(
      'MICROSOFT_APP_ID is empty: authentication is OFF and anonymous requests are accepted (local use only)',
    );
  }
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: config.microsoftAppId,
      MicrosoftAppPassword: config.microsoftAppPassword,
      // Without an app id authentication is off and no registration exists; the SDK insists on a tenant for SingleTenant.
      MicrosoftAppType: config.microsoftAppId ? config.microsoftAppType : 'MultiTenant',
      MicrosoftAppTenantId: config.microsoftAppTenantId,
      ...options.authOverrides,
    } as ConfigurationBotFrameworkAuthenticationOptions,
    options.credentialsFactory ?? certificateCredentials(config),
    options.authConfiguration,
  );
  return new PartnerSupportAdapter(new ReusedClientsAuthentication(auth, config.replies), {
    channelId: config.channelId,
    authenticationOn: Boolean(config.microsoftAppId),
    serviceUrlHosts: config.serviceUrlHosts,
  });
}

/**
 * MICROSOFT_APP_CERTIFICATE_PATH: the bot signs its token requests with a certificate (thumbprint
 * and private key) instead of sending a client secret. The file was checked at start (config.ts).
 */
export function certificateCredentials(config: Config): ServiceClientCredentialsFactory | undefined {
  if (!config.microsoftAppCertificatePath || !config.microsoftAppId) return undefined;
  const pem = fs.readFileSync(config.microsoftAppCertificatePath, 'utf8');
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
    pem,
  );
  if (!key) throw new Error('MICROSOFT_APP_CERTIFICATE_PATH: no private key in the file');
  const thumbprint = new X509Certificate(pem).fingerprint.replace(/:/g, '');
  return new CertificateServiceClientCredentialsFactory(
    config.microsoftAppId,
    thumbprint,
    key[0],
    config.microsoftAppTenantId || undefined,
  );
}

/** The outcome of one POST /api/messages: an HTTP status and, for invokes, the body. */
export interface ActivityOutcome {
  status: number;
  body?: unknown;
}

export { InvalidActivityError };

/** Authentication failed, whatever the reason: answered 401 with a generic body. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

/** A valid request this bot does not serve (another channel, a reply address it may not post to): 403. */
export class ForbiddenActivityError extends Error {
  override name = 'ForbiddenActivityError';
}

/** A request whose Authorization header has been checked; the body is read only after this. */
export interface AuthenticatedRequest {
  result: AuthenticateRequestResult;
  /** The service URL the token was issued for; null when authentication is off. */
  serviceUrl: string | null;
}

/** turnState key: the connector failure that ended an earlier reply of this turn. */
const REPLY_FAILED = Symbol('reply failed');

/**
 * CloudAdapter with its HTTP entry point done here, in the order that keeps hostile requests
 * cheap: the token is checked before the body is read (authenticate), then the body is checked
 * against the activity schema, the served channel and the token's service URL (processBody).
 */
export class PartnerSupportAdapter extends CloudAdapter {
  constructor(
    private readonly auth: BotFrameworkAuthentication,
    private readonly edge: { channelId: string; authenticationOn: boolean; serviceUrlHosts: string[] },
  ) {
    super(auth);
  }

  /**
   * The SDK's own validation (signature, issuer, audience, lifetime, the key's endorsement for
   * the served channel, the serviceurl claim), run before the body with the channel this bot
   * serves and the service URL the token names. Any failure at all is an UnauthorizedError.
   */
  async authenticate(authHeader: string): Promise<AuthenticatedRequest> {
    if (!this.edge.authenticationOn) {
      const result = await this.auth.authenticateRequest({ channelId: this.edge.channelId } as Activity, '');
      return { result, serviceUrl: null };
    }
    const serviceUrl = serviceUrlClaim(authHeader);
    if (!serviceUrl) throw new UnauthorizedError('no bearer token with a serviceurl claim');
    if (!this.servesReplyAddress(serviceUrl))
      throw new UnauthorizedError(
        `the token is for a service URL this bot does not serve (${serviceUrl.slice(0, 100)})`,
      );
    try {
      const stub = { type: 'message', channelId: this.edge.channelId, serviceUrl } as Activity;
      return { result: await this.auth.authenticateRequest(stub, authHeader), serviceUrl };
    } catch (err) {
      // The SDK throws AuthenticationError for some faults and plain errors (from the JWT library) for others.
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new UnauthorizedError(detail.slice(0, 300));
    }
  }

  async processBody(
    body: unknown,
    auth: AuthenticatedRequest | string,
    logic: TurnLogic,
  ): Promise<ActivityOutcome> {
    const authenticated = typeof auth === 'string' ? await this.authenticate(auth) : auth;
    const activity = parseActivity(body);
    if (activity.channelId !== this.edge.channelId)
      throw new ForbiddenActivityError(`channel "${activity.channelId.slice(0, 64)}" is not served`);
    if (authenticated.serviceUrl !== null) {
      if (activity.serviceUrl !== authenticated.serviceUrl)
        throw new UnauthorizedError('the activity serviceUrl is not the one in the token');
    } else if (!isLoopbackUrl(activity.serviceUrl)) {
      // Authentication off: replies may only go to this machine (the Playground, tests).
      throw new ForbiddenActivityError('with authentication off, replies go to loopback service URLs only');
    }
    const invokeResponse = await this.processActivity(authenticated.result, activity, logic);
    return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
  }

  /** Teams' Bot Connector over https (SERVICE_URL_HOSTS); plain http only on this machine (tests). */
  private servesReplyAddress(serviceUrl: string): boolean {
    try {
      const url = new URL(serviceUrl);
      const host = url.hostname.toLowerCase();
      if (!this.edge.serviceUrlHosts.includes(host)) return false;
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackUrl(serviceUrl));
    } catch {
      return false;
    }
  }

  /**
   * Once a reply of a turn failed at the connector (timed out, refused), the turn's later sends
   * (a "sorry" from some catch) fail at once with the same error instead of waiting again: a
   * turn whose connector hangs ends within one REPLY_TIMEOUT_MS.
   */
  override async sendActivities(
    context: TurnContext,
    activities: Partial<Activity>[],
  ): Promise<ResourceResponse[]> {
    const failed: unknown = context.turnState.get(REPLY_FAILED);
    if (failed) throw failed;
    try {
      return await super.sendActivities(context, activities);
    } catch (err) {
      if (isReplyFailure(err)) context.turnState.set(REPLY_FAILED, err);
      throw err;
    }
  }
}

/** The serviceurl claim of a bearer token, read without trusting it (the SDK checks the signature). */
function serviceUrlClaim(authHeader: string): string | null {
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/.exec(authHeader.trim());
  if (!match) return null;
  try {
    const claims = JSON.parse(Buffer.from(match[2], 'base64url').toString('utf8')) as unknown;
    const url = (claims as { serviceurl?: unknown } | null)?.serviceurl;
    return typeof url === 'string' && url ? url : null;
  } catch {
    return null;
  }
}

export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** localhost, 127.0.0.0/8 or ::1 (with or without the brackets a URL puts around it). */
export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

export type TurnLogic = (context: TurnContext) => Promise<void>;
