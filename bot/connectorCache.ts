import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';
import { boundConnectorClient, type ReplyLimits } from './connectorPolicy';

/** How many connector clients one process keeps (one per bot app id, service URL and audience). */
const MAX_CLIENTS = 256;

/**
 * CloudAdapter builds a new ConnectorClient and UserTokenClient for every incoming activity:
 * each is a fresh HTTP pipeline with its policies, about a tenth of a bare turn's CPU. The
 * clients hold nothing per turn (credentials fetch and cache their own tokens), so, as the
 * SDK's older BotFrameworkAdapter did, incoming turns reuse one client per app id, service
 * URL and audience. Proactive sends (createConnectorFactory) keep fresh clients, because the
 * alert sender changes its client's retry policy. Every client, shared or fresh, has its calls
 * bounded in time and retries (connectorPolicy.ts).
 */
export class ReusedClientsAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly limits: ReplyLimits,
  ) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    if (!result.connectorFactory) return result;
    const appId = appIdOf(result.claimsIdentity);
    return {
      ...result,
      connectorFactory: new ReusedConnectorFactory(
        new BoundedConnectorFactory(result.connectorFactory, this.limits),
        appId,
        this.connectors,
      ),
    };
  }

  authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new BoundedConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), this.limits);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return remember(this.userTokenClients, appIdOf(claimsIdentity), () =>
      this.inner.createUserTokenClient(claimsIdentity),
    );
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}

class BoundedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly limits: ReplyLimits,
  ) {
    super();
  }

  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return boundConnectorClient(await this.inner.create(serviceUrl, audience), this.limits);
  }
}

class ReusedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly clients: Map<string, Promise<ConnectorClient>>,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return remember(this.clients, `${this.appId}\u0000${serviceUrl}\u0000${audience ?? ''}`, () =>
      this.inner.create(serviceUrl, audience),
    );
  }
}

/** Same rule as the SDK: the app id is the audience claim (channels) or the appid claim (emulator). */
function appIdOf(identity: ClaimsIdentity): string {
  return (
    identity.getClaimValue(AuthenticationConstants.AudienceClaim) ??
    identity.getClaimValue(AuthenticationConstants.AppIdClaim) ??
    ''
  );
}

/** A bounded map of pending-or-made clients; a failed creation is forgotten so the next turn retries. */
function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let client = cache.get(key);
  if (!client) {
    client = make();
    client.catch(() => cache.delete(key));
    cache.set(key, client);
    if (cache.size > MAX_CLIENTS) cache.delete(cache.keys().next().value as string);
  }
  return client;
}
