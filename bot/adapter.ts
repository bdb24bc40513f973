import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder';
import type { ServiceClientCredentialsFactory, AuthenticationConfiguration } from 'botframework-connector';
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
      MicrosoftAppType: config.microsoftAppType,
      MicrosoftAppTenantId: config.microsoftAppTenantId,
      ...options.authOverrides,
    } as ConfigurationBotFrameworkAuthenticationOptions,
    options.credentialsFactory,
    options.authConfiguration,
  );
  return new PartnerSupportAdapter(new ReusedClientsAuthentication(auth, config.replies));
}

/** The outcome of one POST /api/messages: an HTTP status and, for invokes, the body. */
export interface ActivityOutcome {
  status: number;
  body?: unknown;
}

/** The request body is not a Bot Framework activity (not an object, or no type). */
export class InvalidActivityError extends Error {}

/** turnState key: the connector failure that ended an earlier reply of this turn. */
const REPLY_FAILED = Symbol('reply failed');

/**
 * CloudAdapter with its HTTP entry point done here. CloudAdapter.process proves with zod that
 * the body is an object, twice, which costs about 50 µs a request (a seventh of a bare turn);
 * the same checks by hand, then the SDK's own authentication and turn (processActivity).
 */
export class PartnerSupportAdapter extends CloudAdapter {
  async processBody(body: unknown, authHeader: string, logic: TurnLogic): Promise<ActivityOutcome> {
    const activity = activityFrom(body);
    const invokeResponse = await this.processActivity(authHeader, activity, logic);
    return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
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

/** What CloudAdapter.process and validateAndFixActivity accept: an object with a type; timestamps become Dates. */
function activityFrom(body: unknown): Activity {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidActivityError('the body is not a JSON object');
  const activity = body as Activity & Record<string, unknown>;
  if (typeof activity.type !== 'string' || !activity.type)
    throw new InvalidActivityError('the activity has no type');
  for (const field of ['timestamp', 'expiration', 'localTimestamp'] as const) {
    const value: unknown = activity[field];
    if (typeof value === 'string') {
      activity[`raw${field[0].toUpperCase()}${field.slice(1)}`] = value;
      (activity as Record<string, unknown>)[field] = new Date(value);
    }
  }
  return activity;
}

export type TurnLogic = (context: TurnContext) => Promise<void>;
