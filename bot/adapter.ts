import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type Response as BotResponse,
  type TurnContext,
} from 'botbuilder';
import type { ServiceClientCredentialsFactory, AuthenticationConfiguration } from 'botframework-connector';
import type { Config } from '../services/config';
import { ReusedClientsAuthentication } from './connectorCache';
import { errorFields, type Logger } from './logger';

export interface AdapterOptions {
  /** Overrides for the offline authentication tests (local OpenID metadata, issuers). */
  authOverrides?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  credentialsFactory?: ServiceClientCredentialsFactory;
  authConfiguration?: AuthenticationConfiguration;
}

export function createAdapter(config: Config, logger: Logger, options: AdapterOptions = {}): CloudAdapter {
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
  return new CloudAdapter(new ReusedClientsAuthentication(auth));
}

/**
 * Wraps the HTTP response handed to the adapter: the SDK writes an exception's message into
 * the body of a 401/500. People and callers get a generic body; the detail goes to the log.
 */
export function guardedResponse(
  res: BotResponse,
  logger: Logger,
  context: Record<string, unknown>,
): BotResponse {
  let status = 200;
  return {
    socket: res.socket,
    header: (name, value) => res.header(name, value),
    end: (...args) => res.end(...args),
    status(code: number) {
      status = code;
      return res.status(code);
    },
    send(...args: unknown[]) {
      if (status === 401) {
        logger.warn('request refused: authentication failed', { ...context, detail: String(args[0]) });
        return res.send({ error: 'Unauthorized' });
      }
      if (status >= 500) {
        logger.error('request failed', { ...context, detail: String(args[0]) });
        return res.send({ error: 'The bot could not process this activity.' });
      }
      return res.send(...args);
    },
  };
}

export type TurnLogic = (context: TurnContext) => Promise<void>;

export { errorFields };
