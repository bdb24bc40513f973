/**
 * bench:turncost — what each kind of turn of bench:bot's mixed load (c) costs the bot in CPU time,
 * and what the bare echo bot of (a) costs, so that (c)'s ratio to (a) can be taken apart. Run on
 * a quiet machine: it reads CPU time, not requests per second, which moves less with this shared
 * machine's speed, but it is not immune to it.
 *
 * The bot runs as bench:bot runs it (bench/botServer.ts, a fresh SQLite database, the 2,000
 * people of bench:bot in 100 organisations, alerts delivered to a local connector stand-in);
 * requests go over real HTTP on loopback, 10 connections, a new activity id each (bench/mixed.ts
 * makes them and checks every answer). Each kind is sent in a batch of its own: questions, dialog
 * steps (which stock confirmation cards), confirmations, admins' card actions, then the mix.
 * Before the batches: 4,000 questions, not measured (every person's first message, and the JIT).
 *
 * Measured per batch: the bot's CPU time (user + system, /proc/<pid>/stat) over the batch,
 * divided by its turns, for the process (its garbage collector's and libuv's threads included)
 * and for its main thread alone (/proc/<pid>/task/<pid>/stat). The main thread runs every turn's
 * JavaScript, so its time per turn is what bounds requests per second on one core.
 * Usage: npm run bench:turncost [-- --repeat 2]
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { startConnectorSink } from './connectorSink';
import { load as loadAverage, machine } from './machine';
import { startServer, stopServer } from './benchServers';
import { messageUrls, MIX, MixedTraffic, STEPS_PER_DRAFT, type Kind } from './mixed';
import { activity, importPeople, type Population } from './population';

const POPULATION: Omit<Population, 'serviceUrl'> = { organisations: 100, peoplePerOrganisation: 20 };
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

interface Cpu {
  process: number;
  main: number;
}

/** CPU seconds used so far by a process and by its main thread. */
function cpuOf(pid: number): Cpu {
  const seconds = (file: string) => {
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    const fields = fs.readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  };
  return { process: seconds(`/proc/${pid}/stat`), main: seconds(`/proc/${pid}/task/${pid}/stat`) };
}

interface Row {
  label: string;
  turns: number;
  process: number;
  main: number;
  /** Alerts the bot delivered to the connector stand-in during the batch. */
  alerts: number;
}

/** CPU per turn of `turns` requests sent with `options`. */
async function measure(
  pid: number,
  label: string,
  turns: number,
  options: autocannon.Options,
  settle: () => Promise<void>,
  alerts: () => number = () => 0,
): Promise<Row> {
  const sent = alerts();
  const before = cpuOf(pid);
  await autocannon({ ...options, amount: turns });
  const after = cpuOf(pid);
  await settle();
  return {
    label,
    turns,
    process: (after.process - before.process) / turns,
    main: (after.main - before.main) / turns,
    alerts: alerts() - sent,
  };
}

async function echoCost(population: Population): Promise<Row> {
  const echo = await startServer('echoBot.js');
  try {
    let n = 0;
    const options: autocannon.Options = {
      url: messageUrls(echo.port),
      connections: 10,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: activity(population, n++) }),
        },
      ],
    };
    await autocannon({ ...options, amount: 4_000 }); // warm-up
    return await measure(echo.child.pid!, '(a) bare CloudAdapter echo bot', 8_000, options, async () => {});
  } finally {
    await stopServer(echo.child);
  }
}

async function botCosts(
  population: Population,
  alerts: () => number,
): Promise<{ kinds: Row[]; mix: Row; variants: Row[]; counts: MixedTraffic['counts'] }> {
  const bot = await startServer('botServer.js');
  try {
    await importPeople(population, bot.database!);
    const mixed = new MixedTraffic(population);
    const pid = bot.child.pid!;
    const settle = () => mixed.settle(bot.port);
    const batch = (label: string, mode: 'mixed' | Kind | readonly Kind[], turns: number) =>
      measure(pid, label, turns, mixed.options(bot.port, mode), settle, alerts);
    const without = (kinds: Kind[]) => MIX.map((k) => (kinds.includes(k) ? 'question' : k));
    const stock = async (drafts: number) => {
      if (mixed.draftsWaiting >= drafts) return;
      await autocannon({
        ...mixed.options(bot.port, 'dialogs'),
        amount: Math.ceil((drafts - mixed.draftsWaiting) * STEPS_PER_DRAFT * 1.1),
      });
      await settle();
    };
    await batch('warm-up', 'question', 4_000);
    // In the order of SHARES.
    const kinds: Row[] = [];
    kinds.push(await batch('questions and benefits cards', 'question', 8_000));
    kinds.push(await batch('incident dialog steps', 'step', 7_000));
    await stock(1_000);
    kinds.push(await batch('incident confirmations', 'confirm', 800));
    // Fewer than one round of each organisation's admin actions: after it they are replays.
    kinds.push(await batch("admins' card actions", 'action', 500));
    await stock(1_000);
    const mix = await batch('(c) the mix', 'mixed', 8_000);
    await stock(1_000);
    const variants = [
      await batch('the mix, card actions sent as questions', without(['action']), 8_000),
      await batch('the mix, confirmations sent as questions', without(['confirm']), 8_000),
    ];
    return { kinds, mix, variants, counts: mixed.counts };
  } finally {
    await stopServer(bot.child);
  }
}

/** (c)'s shares of questions, dialog steps, confirmations and card actions (bench/mixed.ts MIX). */
const SHARES = [0.7, 0.15, 0.1, 0.05];

const ms = (s: number) => (s * 1000).toFixed(3);

async function main(): Promise<void> {
  const i = process.argv.indexOf('--repeat');
  const repeat = i > 0 ? Number(process.argv[i + 1]) : 2;
  const sink = await startConnectorSink();
  const population: Population = { ...POPULATION, serviceUrl: sink.url };
  console.log(`machine: ${machine()}`);
  try {
    for (let r = 1; r <= repeat; r++) {
      const echo = await echoCost(population);
      const { kinds, mix, variants, counts } = await botCosts(population, sink.received);
      const fromKinds = SHARES.reduce((t, share, k) => t + kinds[k].main * share, 0);
      console.log(`\nrun ${r} of ${repeat} (load average 1/5/15 min: ${loadAverage()})`);
      console.log('| turns | how many | bot CPU per turn, process | main thread | alerts delivered |');
      console.log('| --- | ---: | ---: | ---: | ---: |');
      for (const row of [echo, ...kinds, mix, ...variants])
        console.log(
          `| ${row.label} | ${row.turns} | ${ms(row.process)} ms | ${ms(row.main)} ms | ${row.alerts} |`,
        );
      console.log(
        `(c)'s kinds in its shares (70/15/10/5 %), main thread: ${ms(fromKinds)} ms a turn; the mix measured: ${ms(mix.main)} ms` +
          ` (the difference is what the kinds do to each other: an organisation's incident or activation drops its cached views and cards for its people's next questions)`,
      );
      console.log(
        `echo / mix, main thread: ${(echo.main / mix.main).toFixed(2)} (what (c) / (a) would be if both were bound by their main thread alone; target 0.5 needs the mix at ${ms(echo.main / 0.5)} ms)`,
      );
      console.log(`answers checked: ${counts.unexpected} unexpected, ${counts.non2xx} not 200`);
    }
  } finally {
    await sink.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
