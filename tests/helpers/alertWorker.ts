/**
 * A separate bot process's alert dispatcher on one database (SQLite file or postgres:// URL),
 * through the real CloudAdapter, in the election a bot instance takes part in (openElection).
 * argv: address owner tenantRatePerSecond [mode leaseMs]
 * - mode 'drain' (default): drains what is queued and prints its counts as JSON.
 * - mode 'serve': runs like a bot instance until SIGTERM (then prints its counts) or until
 *   killed; prints one JSON line per change of role: {"active":true|false,"at":ms since epoch}.
 */
import { CardRenderer } from '../../cards/render';
import { TeamsAlertSender } from '../../bot/alertSender';
import { createLogger, type Logger } from '../../bot/logger';
import { AlertDispatcher, type AlertLog } from '../../services/alerts/alertDispatcher';
import { SendBudget } from '../../services/alerts/sendBudget';
import { systemClock } from '../../services/domain/clock';
import { locationOf, openElection, openStore } from '../../services/storage/openStore';
import { localAdapter } from './fakeConnector';

/** The dispatcher's role changes as lines on stdout (the test reads them); everything else to the logger. */
function roleReporting(logger: Logger): AlertLog {
  const role = (active: boolean) => process.stdout.write(`${JSON.stringify({ active, at: Date.now() })}\n`);
  return {
    info: (msg, fields) =>
      msg.startsWith('alert dispatcher active') ? role(true) : logger.info(msg, fields),
    warn: (msg, fields) =>
      msg.startsWith('alert dispatcher standing by') ? role(false) : logger.warn(msg, fields),
    error: (msg, fields) => logger.error(msg, fields),
  };
}

async function main(): Promise<void> {
  const [address, owner, rate, mode = 'drain', leaseMs = '120000'] = process.argv.slice(2);
  const logger = createLogger('error', (line) => process.stderr.write(line));
  const adapter = localAdapter(logger);
  const where = locationOf(address);
  const store = await openStore(where);
  const dispatcher = new AlertDispatcher({
    store,
    clock: systemClock,
    sender: new TeamsAlertSender(adapter, '', new CardRenderer({ cache: true })),
    log: mode === 'serve' ? roleReporting(logger) : logger,
    owner,
    budget: new SendBudget({ tenantRatePerSecond: Number(rate) }),
    election: openElection(where),
    leaseMs: Number(leaseMs),
    pollMs: 100,
    standbyMs: 250,
  });
  if (mode === 'serve') {
    dispatcher.start();
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    await dispatcher.stop();
    await store.close();
    process.stdout.write(`${JSON.stringify(dispatcher.counts)}\n`);
    return;
  }
  const counts = await dispatcher.drain(120_000);
  await dispatcher.stop();
  await store.close();
  process.stdout.write(JSON.stringify(counts));
}

void main();
