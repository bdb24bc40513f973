/**
 * bench:memory (issue 10, item 4): does the bot's memory stay bounded under many distinct
 * people? 100,000 question turns from 10,000 people in 1,000 organisations (imported into the
 * bot's database before the run), people in turn with organisations interleaved, a new activity
 * id per request, over real HTTP on loopback (autocannon, 10 connections). The bot runs in its
 * own process; its RSS (VmRSS in /proc/<pid>/status) is sampled every 5,000 turns.
 * Target: RSS ≤ 250 MB, and flat over the second half: the garbage collector makes RSS a saw
 * tooth, so "flat" is the least-squares trend of the second half's samples, over that half, at
 * most 10 % of their mean (the end-versus-halfway difference is printed too).
 * The bot is started as `npm start` starts it (dist/bot/index.js with the node flags of package.json's
 * start script); --node-options replaces those flags (labelled: not npm start); --breakdown adds a
 * probe (bench/memoryProbe.ts) that prints heap, external and the rest of RSS with each sample.
 * Usage: npm run bench:memory [-- --turns 100000 --caches off --node-options "--max-old-space-size=96" --breakdown]
 */
import autocannon from 'autocannon';
import fs from 'node:fs';
import path from 'node:path';
import { PERSON_TOO_FAST, TENANT_TOO_BUSY } from '../bot/replies';
import os from 'node:os';
import { startConnectorSink } from './connectorSink';
import { load as loadAverage, machine } from './machine';
import { startBotProcess } from '../tests/helpers/botProcess';
import { startNodeFlags } from '../tests/helpers/startCommand';
import { activity, importPeople, people, type Population } from './population';

const POPULATION: Population = { organisations: 1_000, peoplePerOrganisation: 10 };
const SAMPLE_EVERY = 5_000;
const RSS_LIMIT_MB = 250;
/** "Flat": the second half's RSS trend, over the half, is at most this fraction of its mean. */
const FLAT_GROWTH = 0.1;

const CARD = /application\/vnd\.microsoft\.card\.adaptive/;
const REFUSALS = [PERSON_TOO_FAST.en, PERSON_TOO_FAST.zh, TENANT_TOO_BUSY.en, TENANT_TOO_BUSY.zh];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Resident set size of a process, in MB (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) / 1024;
}

/** Least-squares slope of RSS over turns (MB per turn). */
function slope(samples: { turns: number; rss: number }[]): number {
  const mx = samples.reduce((a, s) => a + s.turns, 0) / samples.length;
  const my = samples.reduce((a, s) => a + s.rss, 0) / samples.length;
  const sxy = samples.reduce((a, s) => a + (s.turns - mx) * (s.rss - my), 0);
  const sxx = samples.reduce((a, s) => a + (s.turns - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The last process.memoryUsage() the probe wrote (--breakdown runs only), in MB. */
function breakdown(file: string): string {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
  if (!lines.length || !lines[lines.length - 1]) return '';
  const m = JSON.parse(lines[lines.length - 1]) as Record<string, number>;
  const mb = (k: string) => (m[k] / 2 ** 20).toFixed(0);
  return ` [heap used ${mb('heapUsed')} of ${mb('heapTotal')}, external ${mb('external')} (array buffers ${mb('arrayBuffers')}), rest of RSS ${((m.rss - m.heapTotal - m.external) / 2 ** 20).toFixed(0)}]`;
}

async function main(): Promise<void> {
  const turns = Number(arg('--turns', '100000'));
  const caches = arg('--caches', 'on');
  const env: Record<string, string> = caches === 'off' ? { READ_CACHE: 'off', CARD_CACHE: 'off' } : {};
  const override = process.argv.includes('--node-options');
  const nodeOptions = override ? arg('--node-options', '').split(' ').filter(Boolean) : startNodeFlags();
  const probe = process.argv.includes('--breakdown');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-memory-'));
  const database = path.join(dir, 'bot.sqlite');
  const probeFile = path.join(dir, 'memory.jsonl');
  if (probe) {
    nodeOptions.push('--require', path.join(__dirname, 'memoryProbe.js'));
    env.MEMORY_PROBE_FILE = probeFile;
  }
  const everyone = people(POPULATION);
  const started = Date.now();
  // Alerts after incidents and activations (none in this traffic) would be delivered here.
  const sink = await startConnectorSink();
  const population: Population = { ...POPULATION, serviceUrl: sink.url };
  // The bot as `npm start` runs it (unless --node-options says otherwise), on a fresh database.
  const bot = await startBotProcess(
    { NODE_ENV: 'development', DATABASE_PATH: database, LOG_LEVEL: 'info', ...env },
    60_000,
    'dist/bot/index.js',
    nodeOptions,
  );
  const pid = bot.child.pid;
  if (pid === undefined) throw new Error('the bot process has no pid');
  const loads = [os.loadavg()[0]];
  try {
    console.log(`machine: ${machine()}`);
    console.log(
      `bot pid ${pid}: node ${[...nodeOptions, 'dist/bot/index.js'].join(' ')} (${override ? 'flags from --node-options, NOT as npm start runs it' : "as npm start runs it: flags from package.json's start script"}${probe ? '; with the memory probe: a diagnosis run' : ''}), caches ${caches}; RSS at start ${rssMb(pid).toFixed(1)} MB`,
    );
    const importStart = Date.now();
    await importPeople(population, database);
    const importSeconds = (Date.now() - importStart) / 1000;
    console.log(
      `imported ${POPULATION.organisations} organisations, ${everyone} people in ${importSeconds.toFixed(1)} s` +
        ` (${((importSeconds * 1000) / POPULATION.organisations).toFixed(1)} ms per organisation); RSS ${rssMb(pid).toFixed(1)} MB`,
    );

    const next = { n: 0 };
    const counts = { answered: 0, cards: 0, refused: 0, other: 0, errors: 0, non2xx: 0 };
    const samples: { turns: number; rss: number }[] = [{ turns: 0, rss: rssMb(pid) }];
    let latencyP99 = 0;
    while (counts.answered + counts.errors < turns) {
      const amount = Math.min(SAMPLE_EVERY, turns - counts.answered - counts.errors);
      const batchStart = Date.now();
      const r = await autocannon({
        url: `${bot.url}/api/messages`,
        connections: 10,
        amount,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req: autocannon.Request) => ({ ...req, body: activity(population, next.n++) }),
          },
        ],
        verifyBody: (body: string | Buffer | undefined) => {
          const text = String(body ?? '');
          if (REFUSALS.some((s) => text.includes(s))) counts.refused++;
          else if (CARD.test(text)) counts.cards++;
          else counts.other++;
          return true;
        },
      });
      counts.answered += r.requests.total - r.errors;
      counts.errors += r.errors;
      counts.non2xx += r.non2xx;
      latencyP99 = Math.max(latencyP99, r.latency.p99);
      const rss = rssMb(pid);
      loads.push(os.loadavg()[0]);
      samples.push({ turns: counts.answered + counts.errors, rss });
      // autocannon ends a run with a fixed amount on its 1 s tick: this rate is a lower bound.
      const seconds = (Date.now() - batchStart) / 1000;
      console.log(
        `${String(counts.answered + counts.errors).padStart(7)} turns: RSS ${rss.toFixed(1)} MB` +
          ` (${seconds.toFixed(1)} s, p99 ${r.latency.p99} ms, load ${os.loadavg()[0].toFixed(2)})${probe ? breakdown(probeFile) : ''}`,
      );
    }

    const total = counts.answered + counts.errors;
    const max = Math.max(...samples.map((s) => s.rss));
    const half = samples.reduce((best, s) =>
      Math.abs(s.turns - total / 2) < Math.abs(best.turns - total / 2) ? s : best,
    );
    const secondHalf = samples.filter((s) => s.turns >= half.turns);
    const firstHalf = samples.filter((s) => s.turns > 0 && s.turns <= half.turns);
    const last = samples[samples.length - 1];
    const growth = (last.rss - half.rss) / half.rss;
    const mean = secondHalf.reduce((a, s) => a + s.rss, 0) / secondHalf.length;
    const trend = (slope(secondHalf) * (last.turns - half.turns)) / mean;
    const range = (xs: { rss: number }[]) =>
      `${Math.min(...xs.map((s) => s.rss)).toFixed(1)}–${Math.max(...xs.map((s) => s.rss)).toFixed(1)} MB`;
    const bounded = max <= RSS_LIMIT_MB;
    const flat = trend <= FLAT_GROWTH;
    console.log('');
    console.log(
      `${total} turns from ${everyone} people in ${POPULATION.organisations} organisations (about ${(total / everyone).toFixed(1)} per person,` +
        ` ${(total / POPULATION.organisations).toFixed(0)} per organisation), a new activity id each, autocannon 10 connections, caches ${caches}`,
    );
    console.log(
      `answers: ${counts.cards} cards, ${counts.refused} over a turn limit, ${counts.other} other; errors ${counts.errors}, non-2xx ${counts.non2xx}; worst batch p99 ${latencyP99} ms`,
    );
    console.log(
      `RSS samples (turns: MB): ${samples.map((s) => `${s.turns}: ${s.rss.toFixed(1)}`).join(', ')}`,
    );
    console.log(
      `RSS max ${max.toFixed(1)} MB (target ≤ ${RSS_LIMIT_MB}) ${bounded ? 'MET' : 'NOT MET'};` +
        ` samples of the first half ${range(firstHalf)}, of the second half ${range(secondHalf)};` +
        ` second half (${half.turns} → ${last.turns} turns): ${half.rss.toFixed(1)} → ${last.rss.toFixed(1)} MB` +
        ` (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %), trend ${trend >= 0 ? '+' : ''}${(trend * 100).toFixed(1)} % of its mean` +
        ` (flat: trend ≤ ${FLAT_GROWTH * 100} %) ${flat ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `whole run ${((Date.now() - started) / 1000).toFixed(0)} s; load average (1 min) ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} on ${os.cpus().length} cores (1/5/15 min now: ${loadAverage()})`,
    );
    console.log('');
    console.log(
      '| Run (100,000 turns) | RSS idle | samples 5k–50k | samples 50k–100k | max | trend 2nd half | p99 (worst batch) | load (1 min) |',
    );
    console.log('| --- | --- | --- | --- | ---: | ---: | ---: | --- |');
    console.log(
      `| node ${nodeOptions.join(' ') || '(no flags)'}${override ? ' (not npm start)' : ' (npm start)'}, caches ${caches} | ${samples[0].rss.toFixed(0)} MB | ${range(firstHalf)} | ${range(secondHalf)} | **${max.toFixed(0)}** | ${trend >= 0 ? '+' : ''}${(trend * 100).toFixed(1)} % | ${latencyP99} ms | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`,
    );
    if (counts.refused > 0 || counts.errors > 0 || counts.non2xx > 0 || counts.other > 0)
      console.log('WARNING: some turns were not answered with a card (see the counts above)');
  } finally {
    await bot.stop();
    await sink.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
