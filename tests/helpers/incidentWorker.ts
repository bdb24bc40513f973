/**
 * A separate process with its own connection to one database (a SQLite file or a postgres://
 * URL), opening incidents as fast as it can once a shared start time arrives. Prints a JSON
 * tally of outcomes.
 * argv: address attempts startAtMs keyMode(unique|shared) workerId today
 */
import { fixedClock } from '../../services/domain/clock';
import { BenefitRuleError } from '../../services/domain/errors';
import { createServices } from '../../services/index';
import { locationOf, openStore } from '../../services/storage/openStore';
import { incidentInput, who } from './fixtures';

async function main(): Promise<void> {
  const [address, attemptsRaw, startAtRaw, keyMode, workerId, today] = process.argv.slice(2);
  const store = await openStore(locationOf(address));
  const services = createServices(store, fixedClock(`${today}T09:00:00Z`));
  const tally: Record<string, number> = {};
  const ids: string[] = [];
  while (Date.now() < Number(startAtRaw)) await new Promise((r) => setTimeout(r, 1));
  for (let n = 0; n < Number(attemptsRaw); n++) {
    const key = keyMode === 'shared' ? `shared-key-${n}` : `w${workerId}-${n}`;
    try {
      const incident = await services.incidents.open(who('member'), incidentInput('onPremises', key));
      ids.push(incident.id);
      tally[incident.replayed ? 'replayed' : 'opened'] =
        (tally[incident.replayed ? 'replayed' : 'opened'] ?? 0) + 1;
    } catch (err) {
      const code = err instanceof BenefitRuleError ? err.code : `unexpected: ${(err as Error).message}`;
      tally[code] = (tally[code] ?? 0) + 1;
    }
  }
  await store.close();
  process.stdout.write(JSON.stringify({ tally, ids }));
}

void main();
