/**
 * bench:bot — requests per second and latency over real HTTP on loopback, 10 connections:
 * (a) a bare CloudAdapter echo bot, (b) this bot answering questions about incidents and
 * benefits with its cards. Traffic is what Teams sends: every request a new activity id, from
 * 2,000 people in 100 organisations (imported into each bot's database before the run), in
 * turn, in English and Chinese. Both with deliveryMode expectReplies, measured in one run, each
 * server in its own process so autocannon does not share its event loop.
 * Usage: npm run bench:bot [-- --seconds 5 --rounds 3]
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { machine } from './machine';
import { activity as populationActivity, importPeople, people, type Population } from './population';

const POPULATION: Population = { organisations: 100, peoplePerOrganisation: 20 };
const ORGANISATIONS = POPULATION.organisations;
const PEOPLE = people(POPULATION);
const activity = (n: number) => populationActivity(POPULATION, n);

function start(
  script: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; port: number; database?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, script)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      const m = /ready (\d+)(?: (.+))?/.exec(chunk.toString());
      if (m) resolve({ child, port: Number(m[1]), database: m[2]?.trim() });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Requests numbered from `first` on, shared by all connections; answers without `expect` are counted. */
async function load(port: number, expect: RegExp, seconds: number, first: { n: number }) {
  const opts = {
    url: `http://127.0.0.1:${port}/api/messages`,
    connections: 10,
    duration: seconds,
    requests: [
      {
        method: 'POST' as const,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req: autocannon.Request) => ({ ...req, body: activity(first.n++) }),
      },
    ],
    verifyBody: (body: string | Buffer | undefined) => expect.test(String(body ?? '')),
  };
  await autocannon({ ...opts, duration: 1 }); // warm-up (1 s, counted in the commit rate of (d))
  return autocannon(opts);
}

async function check(port: number, body: string, expect: RegExp): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  if (res.status !== 200 || !expect.test(text))
    throw new Error(`unexpected answer (${res.status}): ${text.slice(0, 300)}`);
}

/** Another process writing to the bot's database: a dialog-state row, through the product's store. */
function otherProcessWriter(database: string, perSecond: number) {
  const store = SqliteStore.open(database);
  let n = 0;
  const timer = setInterval(() => {
    void store.transaction(async (tx) => {
      await tx.state.write('bench/other-process', { n: ++n }, null, new Date().toISOString());
    });
  }, 1000 / perSecond);
  return {
    async stop(): Promise<number> {
      clearInterval(timer);
      await store.close();
      return n;
    },
  };
}

interface Totals {
  requests: number;
  seconds: number;
  p99: number[];
  p50: number[];
  errors: number;
  non2xx: number;
  /** 200s whose body was not the expected answer (a dropped or refused turn would be one). */
  mismatches: number;
}

const empty = (): Totals => ({
  requests: 0,
  seconds: 0,
  p99: [],
  p50: [],
  errors: 0,
  non2xx: 0,
  mismatches: 0,
});

function add(t: Totals, r: autocannon.Result, seconds: number): void {
  t.requests += r.requests.total;
  t.seconds += seconds;
  t.p99.push(r.latency.p99);
  t.p50.push(r.latency.p50);
  t.errors += r.errors;
  t.non2xx += r.non2xx;
  t.mismatches += r.mismatches;
}

const rate = (t: Totals) => t.requests / t.seconds;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * The servers are measured in alternating rounds (a, b, c, a, b, c, ...) and each one's rate is
 * its requests over its seconds: this machine's speed drifts by ±15 % over a minute, and
 * alternating spreads the drift over all servers instead of favouring whichever ran first.
 */
async function main(): Promise<void> {
  const seconds = arg('--seconds', 5);
  const rounds = arg('--rounds', 3);
  const plan: {
    name: string;
    script: string;
    env: Record<string, string>;
    expect: RegExp;
    /** Commits made to the bot's database by this (another) process while it is measured. */
    commitsPerSecond?: number;
  }[] = [
    { name: '(a) bare CloudAdapter echo bot', script: 'echoBot.js', env: {}, expect: /You said/ },
    {
      name: '(b) this bot: questions about incidents left, benefits and activation, answered with its cards',
      script: 'botServer.js',
      env: {},
      expect: /application\/vnd\.microsoft\.card\.adaptive/,
    },
    {
      name: '(c) the same with READ_CACHE=off CARD_CACHE=off (every turn reads the database and expands the card)',
      script: 'botServer.js',
      env: { READ_CACHE: 'off', CARD_CACHE: 'off' },
      expect: /application\/vnd\.microsoft\.card\.adaptive/,
    },
    {
      name: '(d) as (b) while another process commits to its database 100 times a second (each commit drops the caches)',
      script: 'botServer.js',
      env: {},
      expect: /application\/vnd\.microsoft\.card\.adaptive/,
      commitsPerSecond: 100,
    },
  ];
  const servers: ((typeof plan)[number] & { child: ChildProcess; port: number; database?: string })[] = [];
  let commits = 0;
  try {
    for (const p of plan) servers.push({ ...p, ...(await start(p.script, p.env)) });
    for (const s of servers) if (s.database) await importPeople(POPULATION, s.database);
    // Every person's first question once, checked: all of them are known and answered with a card.
    for (const s of servers) for (let n = 0; n < PEOPLE; n += 97) await check(s.port, activity(n), s.expect);
    const totals = servers.map(empty);
    const next = servers.map(() => ({ n: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (const [i, s] of servers.entries()) {
        const writer =
          s.commitsPerSecond && s.database ? otherProcessWriter(s.database, s.commitsPerSecond) : null;
        add(totals[i], await load(s.port, s.expect, seconds, next[i]), seconds);
        if (writer) commits += await writer.stop();
      }
    }
    console.log(`machine: ${machine()}`);
    console.log(
      `autocannon, 10 connections, loopback, deliveryMode expectReplies; ${rounds} alternating rounds of ${seconds} s per server;` +
        ` ${PEOPLE} people in ${ORGANISATIONS} organisations in turn, a new activity id per request`,
    );
    for (const [i, s] of servers.entries()) {
      const t = totals[i];
      const turns = next[i].n; // warm-ups included
      console.log(
        `${s.name}: ${rate(t).toFixed(0)} req/s, latency p50 ${Math.max(...t.p50)} ms, p99 ${Math.max(...t.p99)} ms (worst round), errors ${t.errors}, non-2xx ${t.non2xx}, unexpected answers ${t.mismatches}; ${turns} turns, about ${(turns / PEOPLE).toFixed(1)} per person and ${(turns / ORGANISATIONS).toFixed(0)} per organisation`,
      );
    }
    const [a, b, c, d] = totals;
    const ratio = rate(b) / rate(a);
    const p99 = Math.max(...b.p99);
    console.log(
      `ratio b/a: ${ratio.toFixed(2)} (target ≥ 0.70) ${ratio >= 0.7 ? 'MET' : 'NOT MET'}; p99 ${p99} ms (target ≤ 25) ${p99 <= 25 ? 'MET' : 'NOT MET'}`,
    );
    console.log(`without the caches, c/a: ${(rate(c) / rate(a)).toFixed(2)}; p99 ${Math.max(...c.p99)} ms`);
    console.log(
      `with another process committing (${(commits / (d.seconds + rounds)).toFixed(0)} commits/s), d/a: ${(rate(d) / rate(a)).toFixed(2)}; p99 ${Math.max(...d.p99)} ms`,
    );
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
