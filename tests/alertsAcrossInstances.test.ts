/**
 * Alerts across bot instances on one PostgreSQL database (issue 11): deliveries claimed in
 * batches with FOR UPDATE SKIP LOCKED, leases on the server's clock, and one active dispatcher
 * elected with an advisory lock, so that Teams' limits hold for all instances together.
 * PostgreSQL-only: SQLite keeps one file on one machine, where every dispatcher may run.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { CardRenderer } from '../cards/render';
import { TeamsAlertSender } from '../bot/alertSender';
import { memoryLogger } from '../bot/logger';
import { AlertDispatcher, type AlertSender } from '../services/alerts/alertDispatcher';
import { SendBudget } from '../services/alerts/sendBudget';
import { type Clock, systemClock } from '../services/domain/clock';
import { AdvisoryLockElection } from '../services/storage/postgres/advisoryElection';
import { install, queueDeliveries } from './helpers/alertFixtures';
import { engineWorld, usePostgresEngine, type EngineWorld } from './helpers/engines';
import {
  localAdapter,
  mostInAnyWindow,
  startFakeConnector,
  type FakeConnector,
} from './helpers/fakeConnector';
import { activeBenefit, offer, TENANT } from './helpers/fixtures';
import { until } from './helpers/until';

/** A bot instance's alert dispatcher in a process of its own (helpers/alertWorker.ts, mode 'serve'). */
interface Instance {
  owner: string;
  child: ChildProcess;
  /** Its role changes, as it printed them (`at`: ms since epoch). */
  roles: { active: boolean; at: number }[];
  exited: Promise<void>;
}

function startInstance(address: string, owner: string, leaseMs: number): Instance {
  const worker = path.join(__dirname, 'helpers', 'alertWorker.js');
  const child = spawn(process.execPath, [worker, address, owner, '50', 'serve', String(leaseMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const roles: Instance['roles'] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = JSON.parse(line) as { active?: boolean; at?: number };
      if (typeof parsed.active === 'boolean' && typeof parsed.at === 'number')
        roles.push({ active: parsed.active, at: parsed.at });
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { owner, child, roles, exited };
}

const isActive = (i: Instance) => i.roles.at(-1)?.active === true;

describe('alerts across instances on PostgreSQL (issue 11: one active dispatcher, one budget)', function () {
  this.timeout(90_000);
  const engine = usePostgresEngine();
  let w: EngineWorld;
  let fake: FakeConnector;
  const instances: Instance[] = [];

  beforeEach(async () => {
    w = await engineWorld(engine, [
      offer('ap', 'actionPack', null, { productSupport: activeBenefit(0, 'AP') }),
    ]);
    fake = await startFakeConnector({ tenantRatePerSecond: 50 });
  });
  afterEach(async () => {
    for (const i of instances.splice(0)) {
      i.child.kill('SIGKILL');
      await i.exited;
    }
    await fake.close();
    await w.close();
  });

  it('two instances: one sends, the 50/s tenant budget holds across both; kill -9 of the sender, the other takes over within seconds; every alert sent, none twice except those the dead one had in flight', async () => {
    const channels = Array.from({ length: 40 }, (_, c) => `19:x${c}@thread.tacv2`);
    for (const id of channels) await install(w.store, fake.url, id, { scope: 'channel' });
    await queueDeliveries(w.store, channels, 400);
    const leaseMs = 3000;
    instances.push(startInstance(w.address, 'a', leaseMs), startInstance(w.address, 'b', leaseMs));
    await until('one instance active', 20_000, () => instances.some(isActive));
    const [active, standby] = isActive(instances[0]) ? instances : [instances[1], instances[0]];

    await until('120 alerts sent', 20_000, () => fake.messages.length >= 120);
    // Only one sends: the standby never became active and never claimed a delivery.
    expect(standby.roles.some((r) => r.active)).to.equal(false);
    const claimedByStandby = await w.store.read(async (tx) =>
      (await tx.deliveries.list(TENANT)).filter((d) => d.leaseOwner === standby.owner),
    );
    expect(claimedByStandby).to.deep.equal([]);

    const killedAt = Date.now();
    const killedAtMono = performance.now();
    active.child.kill('SIGKILL');
    await active.exited;
    const sentBeforeKill = fake.messages.length;
    // What the dead instance held: in flight when it died (maybe sent, never marked).
    const orphans = await w.store.read(async (tx) =>
      (await tx.deliveries.list(TENANT)).filter((d) => d.state === 'queued' && d.leaseOwner === active.owner),
    );

    await until('the standby takes over', 10_000, () => isActive(standby));
    const takeoverMs = standby.roles.find((r) => r.active)!.at - killedAt;
    await until(
      'every delivery sent',
      30_000,
      async () => (await w.store.read((tx) => tx.deliveries.countQueued())) === 0,
    );
    // The dead process sends nothing after its exit: the next accepted message is the new sender's.
    const firstSendAfterKill = fake.messages[sentBeforeKill];
    const resumedMs = (firstSendAfterKill?.at ?? Infinity) - killedAtMono;
    console.log(
      `      takeover ${takeoverMs} ms after kill -9; first send after ${Math.round(resumedMs)} ms; ${orphans.length} in flight at the kill`,
    );
    expect(takeoverMs).to.be.lessThan(3000);
    expect(resumedMs).to.be.lessThan(3000);

    const rows = await w.store.read((tx) => tx.deliveries.list(TENANT));
    expect(rows).to.have.length(400);
    expect(rows.every((d) => d.state === 'sent')).to.equal(true);
    // Nothing lost: each channel got its 10; a channel got more only for a delivery the dead one held.
    for (const id of channels) {
      const extra = fake.messagesTo(id).length - 10;
      expect(extra, id).to.be.within(0, orphans.filter((o) => o.conversationId === id).length);
    }
    expect(fake.messages.length - 400).to.be.at.most(orphans.length);
    // Teams' limits for the two instances together, as the connector counted them.
    expect(fake.violations).to.deep.equal([]);
    expect(
      mostInAnyWindow(
        fake.messages.map((m) => m.at),
        1000,
      ),
    ).to.be.at.most(50);
    for (const id of channels) {
      const times = fake.messagesTo(id).map((m) => m.at);
      expect(mostInAnyWindow(times, 1000), id).to.be.at.most(7);
      expect(mostInAnyWindow(times, 2000), id).to.be.at.most(8);
    }
  });

  it('the advisory lock: one holder; it passes on when the holder closes or its connection is cut', async () => {
    const a = new AdvisoryLockElection(w.address);
    const b = new AdvisoryLockElection(w.address);
    const c = new AdvisoryLockElection(w.address);
    try {
      expect(await a.lead()).to.equal(true);
      expect(await b.lead()).to.equal(false);
      expect(await a.lead()).to.equal(true);
      await a.close();
      await until('b takes the lock', 5_000, () => b.lead());
      expect(await c.lead()).to.equal(false);
      // The server ends b's session (as when its process dies): the lock goes with it.
      const admin = new pg.Client({ connectionString: w.address });
      await admin.connect();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      await admin.end();
      await until('c takes the lock', 5_000, () => c.lead());
      await until('b knows it lost it', 5_000, async () => !(await b.lead().catch(() => false)));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('a try that gets no answer (its server process frozen) is given up with its connection: the next try leads on a new one, and the old session never keeps the lock', async function () {
    if (process.platform === 'win32') this.skip();
    const lost: Error[] = [];
    // statement_timeout 300 ms, so pg gives up on a statement without an answer after 1.3 s (query_timeout).
    const e = new AdvisoryLockElection(w.address, undefined, {
      connection: { statementTimeoutMs: 300 },
      onConnectionError: (err) => lost.push(err),
    });
    const other = new AdvisoryLockElection(w.address);
    const c = new AdvisoryLockElection(w.address);
    const admin = new pg.Client({ connectionString: w.address });
    await admin.connect();
    const pids = async (sql: string) => (await admin.query<{ pid: number }>(sql)).rows.map((r) => r.pid);
    const sessions = () =>
      pids(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND query LIKE 'SELECT pg_try_advisory_lock%'`);
    let frozen: number | null = null;
    try {
      expect(await other.lead()).to.equal(true);
      expect(await e.lead()).to.equal(false); // standing by, its connection kept for the next try
      const holders = await pids(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      const standby = (await sessions()).filter((pid) => !holders.includes(pid));
      expect(standby).to.have.length(1);
      process.kill(standby[0], 'SIGSTOP');
      frozen = standby[0];

      const err = await e.lead().catch((x: unknown) => x);
      expect((err as Error).message).to.match(/Query read timeout/);
      await other.close();
      // A try on the old connection would wait behind the unanswered one (and time out in turn).
      await until('e takes the lock on a new connection', 5_000, () => e.lead());
      expect(lost.map((x) => x.message)).to.deep.equal(['Query read timeout']); // told once

      process.kill(standby[0], 'SIGCONT');
      frozen = null;
      await until('the old session ended', 5_000, async () => !(await sessions()).includes(standby[0]));
      expect(await c.lead()).to.equal(false); // e holds the lock, on its new session
      expect(await e.lead()).to.equal(true);
      await e.close();
      await until('c takes the lock', 5_000, () => c.lead());
    } finally {
      if (frozen) process.kill(frozen, 'SIGCONT');
      await Promise.all([e.close(), other.close(), c.close()]);
      await admin.end();
    }
  });

  it('a batch claim skips rows another transaction has locked instead of waiting for them', async () => {
    const channels = ['19:s0@thread.tacv2', '19:s1@thread.tacv2', '19:s2@thread.tacv2'];
    for (const id of channels) await install(w.store, fake.url, id, { scope: 'channel' });
    await queueDeliveries(w.store, channels, 3);
    const ids = (await w.store.read((tx) => tx.deliveries.list(TENANT))).map((d) => d.id);
    const other = new pg.Client({ connectionString: w.address });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM alert_deliveries WHERE id = $1 FOR UPDATE', [ids[0]]);
      const started = Date.now();
      const claimed = await w.store.transaction((tx) =>
        tx.deliveries.claim(ids, 'me', new Date().toISOString(), 60_000),
      );
      expect(claimed.sort((x, y) => x - y)).to.deep.equal(ids.slice(1));
      expect(Date.now() - started).to.be.lessThan(2000);
      await other.query('ROLLBACK');
      // Claimed rows are leased: a second claim gets only the one that was locked.
      expect(
        await w.store.transaction((tx) => tx.deliveries.claim(ids, 'you', new Date().toISOString(), 60_000)),
      ).to.deep.equal([ids[0]]);
    } finally {
      await other.end();
    }
  });

  it("leases expire by the server's clock: a dispatcher whose clock runs 10 minutes ahead does not take a live lease", async () => {
    await install(w.store, fake.url, '19:k@thread.tacv2', { scope: 'channel' });
    await queueDeliveries(w.store, ['19:k@thread.tacv2'], 1);
    const log = memoryLogger();
    const adapter = localAdapter(log);
    let hung = false;
    const hanging: AlertSender = {
      send: () => {
        hung = true;
        return new Promise<void>(() => undefined);
      },
    };
    const holder = new AlertDispatcher({
      store: w.store,
      clock: systemClock,
      sender: hanging,
      log,
      owner: 'holder',
      leaseMs: 60_000,
    });
    void holder.drain(60_000).catch(() => undefined);
    await until('the holder sends', 5_000, () => hung);
    const ahead: Clock = { now: () => new Date(Date.now() + 10 * 60_000) };
    const skewed = new AlertDispatcher({
      store: w.store,
      clock: ahead,
      sender: new TeamsAlertSender(adapter, '', new CardRenderer({ cache: true })),
      log,
      owner: 'skewed',
    });
    const error = await skewed.drain(1500).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/still due/);
    expect(fake.messages).to.have.length(0);
    const [row] = await w.store.read((tx) => tx.deliveries.list(TENANT));
    expect(row.leaseOwner).to.equal('holder');
    expect(row.attempts).to.equal(1);
  });
});

describe('the budget a dispatcher starts with when it takes over', () => {
  it("counts the previous sender's recent sends, and a reservation cancelled counts for nothing", () => {
    let t = 10_000;
    const budget = new SendBudget({ tenantRatePerSecond: 50, now: () => t });
    // The previous sender's last second: 50 sends to the tenant, ended 200 ms ago.
    for (let i = 0; i < 50; i++) budget.recordPast(TENANT, `19:p${i}`, 200);
    expect(budget.tenantWaitMs(TENANT)).to.equal(800);
    t += 800;
    expect(budget.tenantWaitMs(TENANT)).to.equal(0);
    // 8 sends to one chat in the last 2 s (Teams: 8 per 2 s): the next waits for the oldest to leave.
    for (let i = 0; i < 8; i++) budget.recordPast(TENANT, '19:one', 1500 - i * 10);
    expect(budget.waitMs(TENANT, '19:one')).to.equal(500);
    const place = budget.reserve(TENANT, '19:two');
    place.cancel();
    expect(budget.waitMs(TENANT, '19:two')).to.equal(0);
    for (let i = 0; i < 7; i++) budget.reserve(TENANT, '19:two');
    expect(budget.waitMs(TENANT, '19:two')).to.equal(Infinity); // 7 in flight: wait for one to end
  });
});
