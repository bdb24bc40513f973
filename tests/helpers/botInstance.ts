/**
 * The bot as `npm start` runs it (bot/index.ts: configuration from the environment, the real
 * startApp), except where the Bot Framework's tokens come from: incoming tokens are checked
 * against the local OpenID server at TEST_OPENID_URL (tests/helpers/openIdServer.ts), as the
 * in-process HTTP tests check them. For tests that need several bot processes on one database.
 *
 * Outgoing calls (alerts to the fake connector) carry no token: getting one means Entra over
 * HTTPS, which is off this machine, and the fake connector does not check it.
 */
import type { ServiceClientCredentials } from 'botframework-connector';
import { MicrosoftAppCredentials, ServiceClientCredentialsFactory } from 'botframework-connector';
import { startApp } from '../../bot/app';
import { createLogger, errorFields, routeConsole } from '../../bot/logger';
import { loadConfigOrExit } from '../../services/config';
import { authOverridesFor } from './openIdServer';

class NoOutgoingToken extends ServiceClientCredentialsFactory {
  constructor(private readonly appId: string) {
    super();
  }
  isValidAppId(appId: string): Promise<boolean> {
    return Promise.resolve(appId === this.appId);
  }
  /** False: incoming requests must carry a valid token. */
  isAuthenticationDisabled(): Promise<boolean> {
    return Promise.resolve(false);
  }
  createCredentials(): Promise<ServiceClientCredentials> {
    return Promise.resolve(MicrosoftAppCredentials.Empty);
  }
}

async function main(): Promise<void> {
  const openIdUrl = process.env.TEST_OPENID_URL;
  if (!openIdUrl) throw new Error('TEST_OPENID_URL: the local OpenID server of the test');
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  routeConsole(logger);
  const app = await startApp(config, logger, {
    adapter: {
      authOverrides: authOverridesFor(openIdUrl),
      credentialsFactory: new NoOutgoingToken(config.microsoftAppId),
    },
  });
  process.once('SIGTERM', () => {
    logger.info('stopping', { signal: 'SIGTERM' });
    void app.close().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  createLogger('error').error('the bot could not start', errorFields(err));
  process.exit(1);
});
