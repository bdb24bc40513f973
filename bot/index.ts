/** `npm start`: read the configuration once, start the bot, stop cleanly on SIGINT/SIGTERM. */
import { loadConfigOrExit } from '../services/config';
import { startApp } from './app';
import { createLogger, errorFields } from './logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
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
  console.error(JSON.stringify({ level: 'error', msg: 'the bot could not start', ...errorFields(err) }));
  process.exit(1);
});
