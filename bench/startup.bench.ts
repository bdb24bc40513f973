/**
 * bench:startup — time from process start to a 200 on /healthz, on an existing database (the
 * 100 organisations of bench:bot, imported before), for the bot as `npm start` runs it: the same
 * entry point and the same node flags, read from package.json's start script (its build step is
 * not timed). Then, in fresh processes, how much of it is loading code: Node's own start, the
 * Bot Framework SDK, the other dependencies, this bot's modules.
 * Usage: npm run bench:startup [-- --runs 7]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../services/config';
import { load as loadAverage, machine } from './machine';
import { importPeople, type Population } from './population';
import { startBotProcess } from '../tests/helpers/botProcess';
import { startNodeFlags } from '../tests/helpers/startCommand';

const POPULATION: Population = { organisations: 100, peoplePerOrganisation: 20 };

/** The SDK as this bot uses it, then its other dependencies (in the order the app loads them). */
const SDK = [
  'botbuilder',
  'botbuilder-dialogs',
  'botframework-connector',
  'adaptive-expressions',
  'adaptivecards-templating',
];
const OTHERS = ['restify', 'better-sqlite3', 'pino', 'zod', 'opencc-js'];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds from spawning `node <flags> dist/bot/index.js` to the first 200 on /healthz. */
async function timeToHealthy(database: string, flags: string[]): Promise<number> {
  const started = performance.now();
  const bot = await startBotProcess(
    { NODE_ENV: 'development', DATABASE_PATH: database, LOG_LEVEL: 'info' },
    60_000,
    'dist/bot/index.js',
    flags,
  );
  try {
    for (;;) {
      const res = await fetch(`${bot.url}/healthz`).catch(() => null);
      if (res?.status === 200) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await bot.stop();
  }
}

/** In a fresh process: Node's start, then each group of modules required in turn (ms). */
function requireTimes(flags: string[]): { node: number; sdk: number; others: number; bot: number } {
  const script = `
    const t0 = performance.now();
    const time = (names) => { const s = performance.now(); for (const n of names) require(n); return performance.now() - s; };
    const sdk = time(${JSON.stringify(SDK)});
    const others = time(${JSON.stringify(OTHERS)});
    const bot = time([${JSON.stringify(path.join(PROJECT_ROOT, 'dist/bot/app.js'))}]);
    process.stdout.write(JSON.stringify({ node: t0, sdk, others, bot }));`;
  const r = spawnSync(process.execPath, [...flags, '-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { node: number; sdk: number; others: number; bot: number };
}

async function main(): Promise<void> {
  const runs = arg('--runs', 7);
  const flags = startNodeFlags();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-startup-'));
  const database = path.join(dir, 'bot.sqlite');
  try {
    await importPeople(POPULATION, database);
    await timeToHealthy(database, flags); // once unmeasured: the file system cache, as for a restart
    const loads = [os.loadavg()[0]];
    const healthy: number[] = [];
    const parts: ReturnType<typeof requireTimes>[] = [];
    for (let i = 0; i < runs; i++) {
      healthy.push(await timeToHealthy(database, flags));
      parts.push(requireTimes(flags));
      loads.push(os.loadavg()[0]);
    }
    const m = (k: keyof (typeof parts)[number]) => median(parts.map((p) => p[k]));
    const total = median(healthy);
    const rest = total - m('node') - m('sdk') - m('others') - m('bot');
    console.log(`machine: ${machine()}`);
    console.log(
      `load average (1 min) during the runs: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (1/5/15 min now: ${loadAverage()})`,
    );
    console.log(
      `node ${[...flags, 'dist/bot/index.js'].join(' ')} (flags from package.json's start script), an existing database of ${POPULATION.organisations} organisations; ${runs} runs, medians`,
    );
    console.log(
      `start → 200 on /healthz: median ${total.toFixed(0)} ms (runs: ${healthy.map((h) => h.toFixed(0)).join(', ')})`,
    );
    console.log('');
    console.log('| Part of the start (median ms) | ms | share |');
    console.log('| --- | ---: | ---: |');
    const row = (name: string, ms: number) =>
      console.log(`| ${name} | ${ms.toFixed(0)} | ${((ms / total) * 100).toFixed(0)} % |`);
    row('Node itself (process start to the first line of code)', m('node'));
    row(`loading the Bot Framework SDK (${SDK.join(', ')})`, m('sdk'));
    row(`loading the other dependencies (${OTHERS.join(', ')})`, m('others'));
    row("loading the bot's own modules (dist/bot/app.js and what it imports)", m('bot'));
    row(
      'the rest: configuration, opening and migrating the database, building the classifier, listening, the probe',
      rest,
    );
    console.log(`| **start → 200 on /healthz** | **${total.toFixed(0)}** | |`);
    console.log(
      `| load average (1 min) | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores | |`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
