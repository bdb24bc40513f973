/**
 * bench:alerts --instances N: N bot processes (`npm start`'s entry, DATABASE_URL) on one database
 * of a throwaway PostgreSQL cluster, sending to the fake Bot Connector (50/s per tenant, Teams'
 * per-conversation windows). One instance is elected to send; the figure is how close the
 * instances together get to the cap, with nothing lost, doubled or refused.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { systemClock } from '../services/domain/clock';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { PostgresStore } from '../services/storage/postgres/postgresStore';
import { install, queueDeliveries } from '../tests/helpers/alertFixtures';
import { startBotProcess, type BotProcess } from '../tests/helpers/botProcess';
import { startFakeConnector } from '../tests/helpers/fakeConnector';
import { offer, orgDoc, TENANT } from '../tests/helpers/fixtures';
import { startPostgresCluster } from '../tests/helpers/postgres';
import { load, machine } from './machine';

const isActive = (line: string) => line.includes('"alert dispatcher active: this instance sends alerts"');

export async function alertsOnInstances(o: {
  alerts: number;
  conversations: number;
  instances: number;
  cap: number;
  target: number;
}): Promise<void> {
  const cluster = await startPostgresCluster();
  const fake = await startFakeConnector({ tenantRatePerSecond: o.cap });
  const bots: BotProcess[] = [];
  try {
    const name = `alerts_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = cluster.url(name);
    const store = await PostgresStore.open(url);
    await importOrganisation(store, systemClock, orgDoc([offer('ap', 'actionPack', null)]));
    const ids = Array.from({ length: o.conversations }, (_, c) => `19:bench-${c}@thread.tacv2`);
    for (const id of ids) await install(store, fake.url, id, { scope: 'channel' });

    const env = {
      NODE_ENV: 'development',
      DATABASE_URL: url,
      SEED_ORGANISATION: 'none',
      ALERT_TENANT_RATE_PER_SECOND: String(o.cap),
      ALERT_POLL_MS: '100',
      LOG_LEVEL: 'info',
    };
    bots.push(
      ...(await Promise.all(Array.from({ length: o.instances }, () => startBotProcess(env, 90_000)))),
    );
    const deadline = Date.now() + 30_000;
    while (!bots.some((b) => b.lines.some(isActive))) {
      if (Date.now() > deadline) throw new Error('no instance became the sender in 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const loads = [load()];
    const startWall = Date.now();
    const start = performance.now();
    const expected = await queueDeliveries(store, ids, o.alerts); // a poll (100 ms) later, sending starts
    const physicalSeconds = o.alerts / o.cap;
    while ((await store.read((tx) => tx.deliveries.countQueued())) > 0) {
      if (performance.now() - start > physicalSeconds * 3000 + 60_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    loads.push(load());
    const deliveries = await store.read((tx) => tx.deliveries.list(TENANT));
    await store.close();
    const sent = deliveries.filter((d) => d.state === 'sent');
    const lastSentAt = Math.max(...sent.map((d) => Date.parse(d.sentAt ?? '')));
    const elapsed = (lastSentAt - startWall) / 1000;
    let missing = 0;
    let duplicates = 0;
    const received = new Map<string, number>();
    for (const m of fake.messages) received.set(m.conversationId, (received.get(m.conversationId) ?? 0) + 1);
    for (const [id, n] of expected) {
      const got = received.get(id) ?? 0;
      if (got < n) missing += n - got;
      if (got > n) duplicates += got - n;
    }
    const lost = deliveries.length - sent.length + missing;
    const ratio = physicalSeconds / elapsed;
    const violations = fake.violations.length;
    const senders = bots.filter((b) => b.lines.some(isActive)).length;
    const met = ratio >= o.target && violations === 0 && lost === 0 && duplicates === 0;
    console.log(`machine: ${machine()}`);
    console.log(`load average (1/5/15 min) before and after: ${loads.join(' | ')}`);
    console.log(
      `alerts: ${o.alerts} across ${o.conversations} conversations, ${o.instances} bot processes on one PostgreSQL database ` +
        `(throwaway cluster, loopback, fsync off), tenant cap ${o.cap}/s, physical limit ${physicalSeconds.toFixed(1)} s`,
    );
    console.log(`instances that sent: ${senders} (one elected)`);
    console.log(`elapsed: ${elapsed.toFixed(2)} s (queued → last delivery marked sent)`);
    console.log(
      `ratio to the ${o.cap}/s cap: ${ratio.toFixed(3)} (target ≥ ${o.target}) ${ratio >= o.target ? 'MET' : 'NOT MET'}`,
    );
    console.log(`violations: ${violations} (target 0) ${violations === 0 ? 'MET' : 'NOT MET'}`);
    console.log(
      `lost: ${lost} (target 0) ${lost === 0 ? 'MET' : 'NOT MET'}; duplicates: ${duplicates} (target 0) ${duplicates === 0 ? 'MET' : 'NOT MET'} (fake messages ${fake.messages.length} / ${o.alerts})`,
    );
    console.log(`result: ${met ? 'PASS' : 'NOT MET'}`);
  } finally {
    await Promise.all(bots.map((b) => b.stop()));
    await fake.close();
    await cluster.stop();
  }
}
