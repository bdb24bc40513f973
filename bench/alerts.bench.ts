/**
 * Proactive quota alerts through the real CloudAdapter to the local fake Bot Connector with a
 * per-tenant cap of 50 requests/s and Teams' per-conversation windows: how close one
 * AlertDispatcher gets to the cap, with no limit violations and nothing lost or doubled.
 *
 * Usage: npm run bench:alerts [-- --alerts N --conversations M | --full]
 *        [--concurrency C --page-size P --poll-ms MS]   (dispatcher options, for experiments)
 * Default (scaled): 2,000 alerts across 400 conversations (physical limit 40 s).
 * --full: 10,000 alerts across 2,000 conversations (physical limit 200 s).
 * Targets: ≥ 0.95 of the cap (physical-limit seconds / elapsed), 0 violations, 0 lost.
 * --instances N: N bot processes on one PostgreSQL database instead (bench/alertsInstances.ts).
 */
import { CardRenderer } from '../cards/render';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TeamsAlertSender } from '../bot/alertSender';
import { createLogger } from '../bot/logger';
import { AlertDispatcher, type AlertJob, type AlertSender } from '../services/alerts/alertDispatcher';
import { SendBudget } from '../services/alerts/sendBudget';
import { systemClock } from '../services/domain/clock';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { localAdapter, startFakeConnector, type FakeConnector } from '../tests/helpers/fakeConnector';
import { install, queueDeliveries } from '../tests/helpers/alertFixtures';
import { offer, orgDoc, TENANT } from '../tests/helpers/fixtures';
import { alertsOnInstances } from './alertsInstances';
import { machine } from './machine';

const CAP_PER_SECOND = 50;
const TARGET_RATIO = 0.95;

interface Options {
  alerts: number;
  conversations: number;
  full: boolean;
  concurrency?: number;
  pageSize?: number;
  pollMs?: number;
  instances?: number;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive whole number`);
    return n;
  };
  const full = argv.includes('--full');
  return {
    full,
    alerts: value('--alerts') ?? (full ? 10_000 : 2_000),
    conversations: value('--conversations') ?? (full ? 2_000 : 400),
    concurrency: value('--concurrency'),
    pageSize: value('--page-size'),
    pollMs: value('--poll-ms'),
    instances: value('--instances'),
  };
}

/** The real sender, timed: how long each connector round trip takes (start to accepted). */
class TimedSender implements AlertSender {
  readonly durations: number[] = [];
  constructor(private readonly inner: AlertSender) {}

  async send(job: AlertJob): Promise<void> {
    const started = performance.now();
    try {
      await this.inner.send(job);
    } finally {
      this.durations.push(performance.now() - started);
    }
  }
}

const conversationId = (c: number) => `19:bench-${c}@thread.tacv2`;

async function setUp(store: SqliteStore, fake: FakeConnector, o: Options): Promise<Map<string, number>> {
  await importOrganisation(store, systemClock, orgDoc([offer('ap', 'actionPack', null)]));
  const ids = Array.from({ length: o.conversations }, (_, c) => conversationId(c));
  for (const id of ids) await install(store, fake.url, id, { scope: 'channel' });
  // One alert already fanned out: the deliveries are the recipients (one per conversation slot).
  return queueDeliveries(store, ids, o.alerts);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.instances !== undefined) {
    await alertsOnInstances({ ...o, instances: o.instances, cap: CAP_PER_SECOND, target: TARGET_RATIO });
    return;
  }
  const physicalSeconds = o.alerts / CAP_PER_SECOND;
  const logger = createLogger('warn', (line) => process.stderr.write(line));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-bench-'));
  const store = SqliteStore.open(path.join(dir, 'alerts.sqlite'));
  const fake = await startFakeConnector({ tenantRatePerSecond: CAP_PER_SECOND });
  try {
    const expected = await setUp(store, fake, o);
    const adapter = localAdapter(logger);
    const sender = new TimedSender(new TeamsAlertSender(adapter, '', new CardRenderer({ cache: true })));
    const dispatcher = new AlertDispatcher({
      store,
      clock: systemClock,
      sender,
      log: logger,
      budget: new SendBudget({ tenantRatePerSecond: CAP_PER_SECOND }),
      ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
      ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    });

    const startWall = Date.now();
    const start = performance.now();
    const counts = await dispatcher.drain(Math.ceil(physicalSeconds * 3 * 1000) + 60_000);
    const drainSeconds = (performance.now() - start) / 1000;

    const deliveries = await store.read((tx) => tx.deliveries.list(TENANT));
    const sent = deliveries.filter((d) => d.state === 'sent');
    const lastSentAt = Math.max(...sent.map((d) => Date.parse(d.sentAt ?? '')));
    const elapsed = sent.length > 0 ? (lastSentAt - startWall) / 1000 : drainSeconds;
    const notSent = deliveries.length - sent.length + Math.max(0, o.alerts - deliveries.length);
    let missing = 0;
    let duplicates = 0;
    const received = new Map<string, number>();
    for (const m of fake.messages) received.set(m.conversationId, (received.get(m.conversationId) ?? 0) + 1);
    for (const [id, n] of expected) {
      const got = received.get(id) ?? 0;
      if (got < n) missing += n - got;
      if (got > n) duplicates += got - n;
    }
    for (const [id, got] of received) if (!expected.has(id)) duplicates += got;
    const lost = notSent + missing;
    const rate = sent.length / elapsed;
    const ratio = physicalSeconds / elapsed;
    const violations = fake.violations.length;

    const arrivals = fake.messages.map((m) => (m.at - start) / 1000).sort((a, b) => a - b);
    const roundTrips = [...sender.durations].sort((a, b) => a - b);
    // Each tenant-window slot is reused by message i + cap; the ideal gap is 1000 ms.
    const gaps: number[] = [];
    const at = fake.messages.map((m) => m.at).sort((a, b) => a - b);
    for (let i = CAP_PER_SECOND; i < at.length; i++) gaps.push(at[i] - at[i - CAP_PER_SECOND]);
    const meanGap = gaps.reduce((s, g) => s + g, 0) / Math.max(1, gaps.length);

    const met = ratio >= TARGET_RATIO && violations === 0 && lost === 0 && duplicates === 0;
    const dispatcherOptions = [
      `concurrency ${o.concurrency ?? 'default (8)'}`,
      `pageSize ${o.pageSize ?? 'default (500)'}`,
      `pollMs ${o.pollMs ?? 'default (1000)'}`,
    ].join(', ');
    console.log(`machine: ${machine()}`);
    console.log(
      `alerts: ${o.alerts} across ${o.conversations} conversations (${o.full ? 'full' : 'scaled'} run), ` +
        `one AlertDispatcher (${dispatcherOptions}), tenant cap ${CAP_PER_SECOND}/s, physical limit ${physicalSeconds.toFixed(1)} s`,
    );
    console.log(
      `elapsed: ${elapsed.toFixed(2)} s (drain start → last delivery marked sent; drain() returned at ${drainSeconds.toFixed(2)} s)`,
    );
    console.log(`achieved rate: ${rate.toFixed(2)} alerts/s`);
    console.log(
      `ratio to the ${CAP_PER_SECOND}/s cap: ${ratio.toFixed(3)} (target ≥ ${TARGET_RATIO}) ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`,
    );
    console.log(`violations: ${violations} (target 0) ${violations === 0 ? 'MET' : 'NOT MET'}`);
    console.log(
      `lost: ${lost} (not sent in DB: ${notSent}, missing at fake: ${missing}) (target 0) ${lost === 0 ? 'MET' : 'NOT MET'}; ` +
        `duplicates: ${duplicates} (fake messages ${fake.messages.length} / ${o.alerts}); ` +
        `dispatcher counts sent ${counts.sent}, retried ${counts.retried}, unreachable ${counts.unreachable}`,
    );
    console.log(
      `arrival since drain start: p50 ${percentile(arrivals, 50).toFixed(2)} s, p99 ${percentile(arrivals, 99).toFixed(2)} s; ` +
        `connector round trip: p50 ${percentile(roundTrips, 50).toFixed(1)} ms, p99 ${percentile(roundTrips, 99).toFixed(1)} ms; ` +
        `tenant-window slot reuse gap (message i vs i−${CAP_PER_SECOND}): mean ${meanGap.toFixed(1)} ms (ideal 1000)`,
    );
    console.log(`result: ${met ? 'PASS' : 'NOT MET'}`);
  } finally {
    await fake.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
