/** `npm start`: read the configuration once, start the bot, stop cleanly on SIGINT/SIGTERM. */
import { loadConfigOrExit } from '../services/config';
import { postgresNotAvailableLine } from '../services/storage/postgres/databaseUrl';
import { startApp } from './app';
import { createLogger, errorFields, routeConsole } from './logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.databaseUrl) {
    // Not SQLite instead: instances that believe they share a database must not each keep their own.
    console.error(postgresNotAvailableLine(config.databaseUrl));
    process.exit(1);
  }
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
  // Not console: routeConsole may have made it a debug line.
  createLogger('error').error('the bot could not start', errorFields(err));
  process.exit(1);
});
