/** `npm start`: read the configuration once, start the bot, stop cleanly on SIGINT/SIGTERM. */
import { loadConfigOrExit } from '../services/config';
import { DatabaseUnreachableError } from '../services/storage/openStore';
import { startApp } from './app';
import { createLogger, errorFields, routeConsole } from './logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  // JSON lines only on stdout: the SDK's console output, Node's warnings and a crash go through the logger too.
  routeConsole(logger);
  process.on('uncaughtException', (err) => {
    logger.error('uncaught exception: the bot stops', errorFields(err));
    process.exit(1);
  });
  const app = await startApp(config, logger);
  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof DatabaseUnreachableError) {
    // One line naming DATABASE_URL, password redacted; not console (routed into the logger by now).
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  // Not console: routeConsole may have made it a debug line.
  createLogger('error').error('the bot could not start', errorFields(err));
  process.exit(1);
});
