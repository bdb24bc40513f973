/**
 * Incidents opened per second through IncidentService.open versus raw better-sqlite3
 * IMMEDIATE transactions doing the same row work (the same reads, the conditional
 * decrement, the incident and audit inserts), in one run on fresh SQLite files.
 * Usage: npm run bench:services [-- --count N] [-- --synchronous FULL|NORMAL]
 * FULL is what the bot runs with (an acknowledged incident survives power loss); NORMAL is
 * there to measure what that durability costs.
 */
import { randomUUID } from 'node:crypto';
import { createServices } from '../services/index';
import { arg, clock, freshStore, input, rawOpen, synchronousArg, TENANT, USER } from './incidentBench';
import { load, machine } from './machine';

const synchronous = synchronousArg();

async function viaService(count: number): Promise<number> {
  const { store, close } = await freshStore({ synchronous });
  const services = createServices(store, clock);
  const who = { tenantId: TENANT, aadObjectId: USER };
  const start = process.hrtime.bigint();
  for (let n = 0; n < count; n++)
    await services.incidents.open(who, { ...input, idempotencyKey: `svc-${n}` });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await close();
  return count / seconds;
}

async function raw(count: number): Promise<number> {
  const { store, close } = await freshStore({ synchronous });
  const open = rawOpen(store.db);
  const run = randomUUID();
  const start = process.hrtime.bigint();
  for (let n = 0; n < count; n++) open(`raw-${n}-${run}`);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await close();
  return count / seconds;
}

async function main(): Promise<void> {
  const count = Number(arg('--count', '20000'));
  console.log(`machine: ${machine()}`);
  console.log(`load average at start: ${load()}`);
  await viaService(1000); // warm-up: JIT and page cache
  await raw(1000);
  const rounds: { service: number; raw: number }[] = [];
  for (let r = 0; r < 3; r++) rounds.push({ raw: await raw(count), service: await viaService(count) });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  const service = median(rounds.map((r) => r.service));
  const rawRate = median(rounds.map((r) => r.raw));
  const ratio = service / rawRate;
  console.log(
    `incidents per run: ${count}, 3 rounds, median shown (WAL, synchronous=${synchronous}, one process)`,
  );
  console.log(`raw better-sqlite3 IMMEDIATE transactions: ${rawRate.toFixed(0)} incidents/s`);
  console.log(`IncidentService.open:                       ${service.toFixed(0)} incidents/s`);
  console.log(`ratio service/raw: ${ratio.toFixed(2)} (target ≥ 0.50) ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
  console.log(`load average at end: ${load()}`);
}

void main();
