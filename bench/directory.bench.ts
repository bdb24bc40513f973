/**
 * bench:directory — what DIRECTORY=entra costs, in process, against the local HTTPS fake of the
 * Entra sign-in service and Microsoft Graph (bench/benchEntra.ts) on loopback, through the real
 * @azure/identity; bench:bot (g) measures the question turn over HTTP.
 *   1. recognise(), warm: the check every turn makes (file: a cached read; Entra: the same, plus the
 *      role cache), for the 2,000 people of bench/population.ts, file vs entra.
 *   2. confirmRoles(): the fresh role check before every privileged action (activate, record IDs,
 *      alert channel, alert settings): three Graph GETs in parallel (the bot's service principal is
 *      cached per tenant), one after another and 10 at a time.
 *   3. recognise() on first contact: the same Graph reads plus storing the person.
 * Usage: npm run bench:directory [-- --checks 1000]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../services/config';
import { createDirectory, type Directory } from '../services/directory/index';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { entraEnv, startBenchEntra } from './benchEntra';
import { load, machine } from './machine';
import { importPeople, nthPerson, people, type Population } from './population';

const POPULATION: Population = { organisations: 100, peoplePerOrganisation: 20 };
const PEOPLE = people(POPULATION);
const quiet = { info: () => undefined, warn: () => undefined };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function latencies(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(2)} ms, p90 ${percentile(s, 90).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms`;
}

const who = (n: number) => {
  const p = nthPerson(POPULATION, n);
  return { tenantId: p.tenantId, aadObjectId: p.aadObjectId };
};

/** Microseconds per warm recognise(), over `passes` passes over everyone. */
async function warmRecognise(directory: Directory, passes: number): Promise<number> {
  const profile = async () => null;
  for (let n = 0; n < PEOPLE; n++) await directory.recognise(who(n), profile); // fills the caches
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++)
    for (let n = 0; n < PEOPLE; n++) await directory.recognise(who(n), profile);
  return ((performance.now() - started) * 1000) / (passes * PEOPLE);
}

async function main(): Promise<void> {
  const checks = arg('--checks', 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-benchdir-'));
  const { entra, caFile } = await startBenchEntra(POPULATION, dir);
  const stores: SqliteStore[] = [];
  const open = async (name: string) => {
    const file = path.join(dir, `${name}.sqlite`);
    await importPeople(POPULATION, file);
    const store = SqliteStore.open(file);
    stores.push(store);
    return store;
  };
  try {
    const fileConfig = loadConfig({ NODE_ENV: 'development', DATABASE_PATH: path.join(dir, 'x.sqlite') });
    const entraConfig = loadConfig({
      NODE_ENV: 'development',
      DATABASE_PATH: path.join(dir, 'x.sqlite'),
      ...entraEnv(entra, caFile),
    });
    const fileDirectory = createDirectory(fileConfig.directory, await open('file'), quiet);
    const entraStore = await open('entra');
    const entraDirectory = createDirectory(entraConfig.directory, entraStore, quiet, { ca: entra.ca });

    console.log(`machine: ${machine()}`);
    console.log(`load average (1/5/15 min) at the start: ${load()}`);
    console.log(`${PEOPLE} people in ${POPULATION.organisations} organisations (tenants)`);

    // 1. The per-turn check, warm. File and Entra alternate, three times each.
    const file: number[] = [];
    const fromEntra: number[] = [];
    const graphBefore = entra.graphRequests.length;
    await warmRecognise(entraDirectory, 1); // reads everyone's roles once: the role cache is warm from here
    const graphWarm = entra.graphRequests.length;
    for (let round = 0; round < 3; round++) {
      file.push(await warmRecognise(fileDirectory, 5));
      fromEntra.push(await warmRecognise(entraDirectory, 5));
    }
    const best = (xs: number[]) => Math.min(...xs).toFixed(2);
    console.log(
      `1. recognise(), warm (best of 3 rounds of 5 × ${PEOPLE}): file ${best(file)} µs, entra ${best(fromEntra)} µs per call` +
        ` (all rounds: file ${file.map((x) => x.toFixed(2)).join(' / ')}, entra ${fromEntra.map((x) => x.toFixed(2)).join(' / ')});` +
        ` Graph requests to warm ${PEOPLE} people: ${graphWarm - graphBefore}, during the rounds: ${entra.graphRequests.length - graphWarm}`,
    );

    // 2. The fresh check before a privileged action: admins, one at a time, then 10 at a time.
    const admin = (k: number) => {
      const org = k % POPULATION.organisations;
      const p = nthPerson(POPULATION, org); // person 0 of organisation org: its Global admin
      return { tenantId: p.tenantId, aadObjectId: p.aadObjectId };
    };
    for (let k = 0; k < 50; k++) await entraDirectory.confirmRoles(admin(k)); // connections, tokens
    const sequential: number[] = [];
    const before = entra.graphRequests.length;
    for (let k = 0; k < checks; k++) {
      const t = performance.now();
      await entraDirectory.confirmRoles(admin(k));
      sequential.push(performance.now() - t);
    }
    const perCheck = (entra.graphRequests.length - before) / checks;
    console.log(
      `2. confirmRoles() one at a time (${checks} checks of Global admins of ${POPULATION.organisations} tenants): ${latencies(sequential)}; ${perCheck.toFixed(1)} Graph requests per check`,
    );
    const concurrent: number[] = [];
    let next = 0;
    const startedAll = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < checks) {
          const k = next++;
          const t = performance.now();
          await entraDirectory.confirmRoles(admin(k));
          concurrent.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - startedAll) / 1000;
    console.log(`   10 at a time: ${(checks / seconds).toFixed(0)} checks/s, ${latencies(concurrent)}`);

    // 3. First contact: someone of a known tenant the database does not have yet.
    const first: number[] = [];
    const profile = async () => ({ name: 'New Person', email: 'new@bench.example', userPrincipalName: null });
    for (let k = 0; k < Math.min(checks, 500); k++) {
      const p = nthPerson(POPULATION, k);
      const t = performance.now();
      await entraDirectory.recognise({ tenantId: p.tenantId, aadObjectId: randomUUID() }, profile);
      first.push(performance.now() - t);
    }
    console.log(`3. recognise() on first contact (${first.length} newcomers): ${latencies(first)}`);
    console.log(`load average (1/5/15 min) at the end: ${load()}`);
    const tokens = entra.tokenRequests.length;
    console.log(`token requests to the fake sign-in service: ${tokens} (one per tenant, then MSAL's cache)`);
  } finally {
    for (const s of stores) await s.close();
    await entra.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
