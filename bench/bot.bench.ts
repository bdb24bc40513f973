/**
 * bench:bot — requests per second and latency over real HTTP on loopback, 10 connections:
 * (a) a bare CloudAdapter echo bot, (b) this bot answering "how many incidents do we have
 * left" with its benefits card. Both with deliveryMode expectReplies, measured in one run,
 * each server in its own process so autocannon does not share its event loop.
 * Usage: npm run bench:bot [-- --seconds 10]
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
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

function start(script: string, args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      const m = /ready (\d+)/.exec(chunk.toString());
      if (m) resolve({ child, port: Number(m[1]) });
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
  await autocannon({ ...opts, duration: 2 }); // warm-up
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

async function main(): Promise<void> {
  const i = process.argv.indexOf('--seconds');
  const seconds = i > 0 ? Number(process.argv[i + 1]) : 10;
  const echo = await start('echoBot.js');
  const echoBody = activity('how many incidents do we have left');
  await check(echo.port, echoBody, /You said/);
  const a = await load(echo.port, echoBody, seconds);
  echo.child.kill('SIGTERM');

  const bot = await start('botServer.js');
  const botBody = activity('how many incidents do we have left');
  await check(bot.port, botBody, /application\/vnd\.microsoft\.card\.adaptive/);
  const b = await load(bot.port, botBody, seconds);
  bot.child.kill('SIGTERM');

  const ratio = b.requests.average / a.requests.average;
  const line = (name: string, r: autocannon.Result) =>
    `${name}: ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}`;
  console.log(`machine: ${machine()}`);
  console.log(`autocannon, 10 connections, ${seconds} s each, loopback, deliveryMode expectReplies`);
  console.log(line('(a) bare CloudAdapter echo bot', a));
  console.log(line('(b) this bot, "how many incidents do we have left" + benefits card', b));
  console.log(
    `ratio b/a: ${ratio.toFixed(2)} (target ≥ 0.70) ${ratio >= 0.7 ? 'MET' : 'NOT MET'}; p99 ${b.latency.p99} ms (target ≤ 25) ${b.latency.p99 <= 25 ? 'MET' : 'NOT MET'}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
