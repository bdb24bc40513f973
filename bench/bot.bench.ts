/**
 * bench:bot — requests per second and latency over real HTTP on loopback, 10 connections:
 * (a) a bare CloudAdapter echo bot, (b) this bot answering "how many incidents do we have
 * left" with its benefits card. Both with deliveryMode expectReplies, measured in one run,
 * each server in its own process so autocannon does not share its event loop.
 * Usage: npm run bench:bot [-- --seconds 5 --rounds 3]
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { machine } from './machine';

const TENANT = '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function activity(text: string) {
  return JSON.stringify({
    type: 'message',
    id: 'bench',
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    locale: 'en-US',
    text,
    from: { id: '29:dev', name: 'Dev Patel', aadObjectId: '00000000-0000-4000-8000-000000000004' },
    recipient: { id: '28:bot', name: 'Partner Support' },
    conversation: { id: 'a:bench-personal', conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    deliveryMode: 'expectReplies',
  });
}

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

async function load(port: number, body: string, seconds: number) {
  const opts = {
    url: `http://127.0.0.1:${port}/api/messages`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body,
    connections: 10,
    duration: seconds,
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
}

const empty = (): Totals => ({ requests: 0, seconds: 0, p99: [], p50: [], errors: 0, non2xx: 0 });

function add(t: Totals, r: autocannon.Result, seconds: number): void {
  t.requests += r.requests.total;
  t.seconds += seconds;
  t.p99.push(r.latency.p99);
  t.p50.push(r.latency.p50);
  t.errors += r.errors;
  t.non2xx += r.non2xx;
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
  const body = activity('how many incidents do we have left');
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
      name: '(b) this bot, "how many incidents do we have left" + benefits card',
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
    for (const s of servers) await check(s.port, body, s.expect);
    const totals = servers.map(empty);
    for (let round = 0; round < rounds; round++) {
      for (const [i, s] of servers.entries()) {
        const writer =
          s.commitsPerSecond && s.database ? otherProcessWriter(s.database, s.commitsPerSecond) : null;
        add(totals[i], await load(s.port, body, seconds), seconds);
        if (writer) commits += await writer.stop();
      }
    }
    console.log(`machine: ${machine()}`);
    console.log(
      `autocannon, 10 connections, loopback, deliveryMode expectReplies; ${rounds} alternating rounds of ${seconds} s per server`,
    );
    for (const [i, s] of servers.entries()) {
      const t = totals[i];
      console.log(
        `${s.name}: ${rate(t).toFixed(0)} req/s, latency p50 ${Math.max(...t.p50)} ms, p99 ${Math.max(...t.p99)} ms (worst round), errors ${t.errors}, non-2xx ${t.non2xx}`,
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
