/**
 * Incidents opened per second through IncidentService.open versus raw better-sqlite3
 * IMMEDIATE transactions doing the same row work (the same reads, the conditional
 * decrement, the incident and audit inserts), in one run on fresh SQLite files.
 * Usage: npm run bench:services [-- --count N] [-- --synchronous FULL|NORMAL] [-- --engine sqlite|postgres]
 * FULL is what the bot runs with (an acknowledged incident survives power loss); NORMAL is
 * there to measure what that durability costs.
 * --engine postgres: the same comparison on PostgreSQL (bench/servicesPostgres.ts), against raw
 * `pg` transactions, on a throwaway cluster started for the run (default count 3,000).
 */
import { randomUUID } from 'node:crypto';
import { createServices } from '../services/index';
import { startPostgresCluster } from '../tests/helpers/postgres';
import { freshStore, rawOpen, synchronousArg } from './incidentBench';
import { clock, openIncidentsPerSecond } from './incidentWork';
import { load, machine } from './machine';
import { rawPostgres, viaServicePostgres } from './servicesPostgres';

const synchronous = synchronousArg();

async function viaService(count: number): Promise<number> {
  const { store, close } = await freshStore({ synchronous });
  const rate = await openIncidentsPerSecond(createServices(store, clock), count);
  await close();
  return rate;
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

function engineArg(): 'sqlite' | 'postgres' {
  const at = process.argv.indexOf('--engine');
  const value = at > 0 ? process.argv[at + 1]?.toLowerCase() : 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') throw new Error('--engine must be sqlite or postgres');
  return value;
}

/** Warm-up, then 3 rounds of raw and service in turn; the medians. */
async function measure(
  count: number,
  raw: (n: number) => Promise<number>,
  service: (n: number) => Promise<number>,
): Promise<{ service: number; raw: number; loads: string[] }> {
  await service(Math.min(1000, count)); // warm-up: JIT and caches
  await raw(Math.min(1000, count));
  const rounds: { service: number; raw: number }[] = [];
  const loads = [load()];
  for (let r = 0; r < 3; r++) {
    rounds.push({ raw: await raw(count), service: await service(count) });
    loads.push(load());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  return { service: median(rounds.map((r) => r.service)), raw: median(rounds.map((r) => r.raw)), loads };
}

async function main(): Promise<void> {
  const engine = engineArg();
  const countArg = process.argv.indexOf('--count');
  const count = countArg > 0 ? Number(process.argv[countArg + 1]) : engine === 'postgres' ? 3_000 : 20_000;
  let r: { service: number; raw: number; loads: string[] };
  let setting: string;
  let rawName: string;
  if (engine === 'postgres') {
    const cluster = await startPostgresCluster();
    try {
      r = await measure(
        count,
        (n) => rawPostgres(cluster, n),
        (n) => viaServicePostgres(cluster, n),
      );
    } finally {
      await cluster.stop();
    }
    setting =
      'PostgreSQL 15 on loopback, throwaway cluster with fsync off, a fresh database per run, one process';
    rawName = 'raw pg BEGIN…COMMIT, prepared statements';
  } else {
    r = await measure(count, raw, viaService);
    setting = `WAL, synchronous=${synchronous}, one process`;
    rawName = 'raw better-sqlite3 IMMEDIATE transactions';
  }
  const ratio = r.service / r.raw;
  console.log(`machine: ${machine()}`);
  console.log(`load average (1/5/15 min) before and after each round: ${r.loads.join(' | ')}`);
  console.log(`incidents per run: ${count}, 3 rounds, median shown (${setting})`);
  console.log(`${rawName}: ${r.raw.toFixed(0)} incidents/s`);
  console.log(`IncidentService.open: ${r.service.toFixed(0)} incidents/s`);
  console.log(`ratio service/raw: ${ratio.toFixed(2)} (target ≥ 0.50) ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
}

void main();
