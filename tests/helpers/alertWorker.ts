/**
 * A separate bot process's alert dispatcher on one database (SQLite file or postgres:// URL): drains what is queued through
 * the real CloudAdapter and prints its counts as JSON. argv: address owner tenantRatePerSecond
 */
import { CardRenderer } from '../../cards/render';
import { TeamsAlertSender } from '../../bot/alertSender';
import { createLogger } from '../../bot/logger';
import { AlertDispatcher } from '../../services/alerts/alertDispatcher';
import { SendBudget } from '../../services/alerts/sendBudget';
import { systemClock } from '../../services/domain/clock';
import { locationOf, openStore } from '../../services/storage/openStore';
import { localAdapter } from './fakeConnector';

async function main(): Promise<void> {
  const [address, owner, rate] = process.argv.slice(2);
  const logger = createLogger('error', (line) => process.stderr.write(line));
  const adapter = localAdapter(logger);
  const store = await openStore(locationOf(address));
  const dispatcher = new AlertDispatcher({
    store,
    clock: systemClock,
    sender: new TeamsAlertSender(adapter, '', new CardRenderer({ cache: true })),
    log: logger,
    owner,
    budget: new SendBudget({ tenantRatePerSecond: Number(rate) }),
  });
  const counts = await dispatcher.drain(120_000);
  await store.close();
  process.stdout.write(JSON.stringify(counts));
}

void main();
