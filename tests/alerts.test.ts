/**
 * Quota alerts to support leads, delivered proactively through the real CloudAdapter to a
 * local fake Bot Connector that enforces Teams' rate limits and can answer 403/404/5xx.
 */
import { CardRenderer } from '../cards/render';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CloudAdapter } from 'botbuilder';
import { TeamsAlertSender } from '../bot/alertSender';
import { TenantGate } from '../bot/tenantGate';
import { TurnLimiter } from '../bot/turnLimits';
import { memoryLogger } from '../bot/logger';
import { AlertDispatcher, type AlertSender } from '../services/alerts/alertDispatcher';
import { userRecipient } from '../services/alerts/recipients';
import { scanScheduledAlerts } from '../services/alerts/schedule';
import { SendBudget, TEAMS_CONVERSATION_WINDOWS } from '../services/alerts/sendBudget';
import { systemClock } from '../services/domain/clock';
import { RoleRequiredError } from '../services/domain/errors';
import { createServices } from '../services/index';
import { localAdapter, startFakeConnector, type FakeConnector } from './helpers/fakeConnector';
import { activeBenefit, incidentInput, offer, TENANT, USERS, who } from './helpers/fixtures';
import { engineWorld, forEachEngine, type EngineWorld } from './helpers/engines';
import { install, queueAlerts, queueDeliveries } from './helpers/alertFixtures';

const run = promisify(execFile);

function textOf(activity: Record<string, unknown>): string {
  return JSON.stringify(activity.attachments ?? activity.text ?? '');
}

forEachEngine(
  'quota alerts to support leads (issue: proactive, rate-shaped, never lost, never doubled)',
  function (engine) {
    this.timeout(60_000);
    let w: EngineWorld;
    let fake: FakeConnector;
    let log: ReturnType<typeof memoryLogger>;
    let adapter: CloudAdapter;

    const dispatcher = (o: Partial<ConstructorParameters<typeof AlertDispatcher>[0]> = {}) =>
      new AlertDispatcher({
        store: w.store,
        clock: systemClock,
        sender: new TeamsAlertSender(adapter, '', new CardRenderer({ cache: true })),
        log,
        baseBackoffMs: 50,
        maxBackoffMs: 400,
        ...o,
      });

    beforeEach(async () => {
      w = await engineWorld(engine, [
        offer('ap', 'actionPack', null, { productSupport: activeBenefit(0, 'AP') }),
      ]);
      fake = await startFakeConnector();
      log = memoryLogger();
      adapter = localAdapter(log);
    });
    afterEach(async () => {
      await fake.close();
      await w.close();
    });

    it('an incident that crosses a threshold alerts each support lead in their personal chat, with the card in their language', async () => {
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      const total = (await w.services.benefits.view(who('member'))).offers[0].benefits[0].total!;
      for (let i = 0; i < total / 2; i++)
        await w.services.incidents.open(who('member'), incidentInput('onPremises'));
      const counts = await dispatcher().drain();
      expect(counts.sent).to.equal(1);
      const [message] = fake.messagesTo('a:lead');
      expect(message, 'the support lead got the alert').to.not.equal(undefined);
      const card = textOf(message.activity);
      expect(card).to.include('Half of the incidents are used');
      expect(card).to.include(`${total / 2} of ${total} left`);
      expect(card).to.include('benefits.show'); // the action that opens the benefits card
      expect(fake.violations).to.deep.equal([]);
    });

    it("the bot's own alert turns pass the incoming-traffic gates: a tenant over its turn limit or off the allow-list still gets every alert", async () => {
      // Both gates run as adapter middleware, which continueConversationAsync runs too: gated,
      // the alert's callback would never run while the dispatcher counted it sent.
      adapter.use(
        new TurnLimiter(
          { enabled: true, person: { burst: 1, perMinute: 1 }, tenant: { burst: 1, perMinute: 1 } },
          log,
        ),
      );
      adapter.use(new TenantGate(['00000000-0000-4000-8000-00000000aaaa'], log));
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      await queueDeliveries(w.store, ['a:lead'], 3);
      const counts = await dispatcher().drain();
      expect(counts.sent).to.equal(3);
      expect(fake.messagesTo('a:lead')).to.have.length(3);
    });

    it('muted support leads get nothing; unmuting brings the next alert back; only support leads may mute', async () => {
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      await w.services.alerts.mute(who('supportLead'), true);
      await queueAlerts(w.store, 1);
      await dispatcher().drain();
      expect(fake.messages).to.have.length(0);
      await w.services.alerts.mute(who('supportLead'), false);
      await queueAlerts(w.store, 1);
      await dispatcher().drain();
      expect(fake.messagesTo('a:lead')).to.have.length(1);
      let refused: unknown;
      await w.services.alerts.mute(who('member'), true).catch((e: unknown) => (refused = e));
      expect(refused).to.be.instanceOf(RoleRequiredError);
    });

    it('an admin routes alerts to a team channel (R2 roles only); the channel gets them too', async () => {
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      await install(w.store, fake.url, '19:general@thread.tacv2', { scope: 'channel' });
      let refused: unknown;
      await w.services.alerts
        .routeToChannel(who('member'), '19:general@thread.tacv2')
        .catch((e: unknown) => (refused = e));
      expect(refused).to.be.instanceOf(RoleRequiredError);
      await w.services.alerts.routeToChannel(who('globalAdmin'), '19:general@thread.tacv2');
      await queueAlerts(w.store, 1);
      await dispatcher().drain();
      expect(fake.messagesTo('a:lead')).to.have.length(1);
      expect(fake.messagesTo('19:general@thread.tacv2')).to.have.length(1);
    });

    it('activation changes tell the requester and the admins, but not the person who made the change', async () => {
      const w2 = await engineWorld(engine, [
        offer('gd', 'gold', 'Cloud Platform', { productSupport: { activation: 'notActivated' } }),
      ]);
      try {
        await install(w2.store, fake.url, 'a:ga', { aadObjectId: USERS.globalAdmin });
        await install(w2.store, fake.url, 'a:pa', { aadObjectId: USERS.partnerAdmin });
        const view = await w2.services.benefits.view(who('partnerAdmin'));
        const benefit = view.offers[0].benefits.find((b) => b.type === 'productSupport')!;
        await w2.services.activation.request(who('partnerAdmin'), benefit.id);
        const d = new AlertDispatcher({
          store: w2.store,
          clock: systemClock,
          sender: new TeamsAlertSender(adapter, '', new CardRenderer({ cache: true })),
          log,
        });
        await d.drain();
        expect(fake.messagesTo('a:ga'), 'the other admin is told').to.have.length(1);
        expect(fake.messagesTo('a:pa'), 'the requester made the change: no alert').to.have.length(0);
        expect(textOf(fake.messagesTo('a:ga')[0].activity)).to.include('Activation pending');
      } finally {
        await w2.close();
      }
    });

    it('a support lead who never installed the bot is reported (log, admin card line), not skipped; installing sends it', async () => {
      await queueAlerts(w.store, 1);
      await dispatcher().drain();
      const [delivery] = await w.store.read((tx) => tx.deliveries.list(TENANT));
      expect(delivery.state).to.equal('unreachable');
      expect(delivery.lastError).to.match(/not installed/);
      expect(
        log.lines.some(
          (l) => l.msg.includes('unreachable') && l.fields.recipient === userRecipient(USERS.supportLead),
        ),
      ).to.equal(true);
      const adminView = await w.services.benefits.view(who('globalAdmin'));
      expect(adminView.unreachableSupportLeads).to.deep.equal(['supportLead']);
      expect((await w.services.benefits.view(who('member'))).unreachableSupportLeads).to.deep.equal([]);
      // Installing: the bot saves the reference and queues what could not be sent.
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      await w.store.transaction((tx) =>
        tx.deliveries.requeueUnreachable(
          TENANT,
          userRecipient(USERS.supportLead),
          'a:lead',
          new Date().toISOString(),
        ),
      );
      await dispatcher().drain();
      expect(fake.messagesTo('a:lead')).to.have.length(1);
    });

    it("Teams' limits: 12 alerts to one chat and 48 across 8 chats with a 20/s tenant cap arrive with zero violations", async () => {
      const fake2 = await startFakeConnector({ tenantRatePerSecond: 20 });
      try {
        // One support lead chat gets 12; eight channels... modelled as eight leads' chats.
        await install(w.store, fake2.url, 'a:lead', { aadObjectId: USERS.supportLead });
        await queueAlerts(w.store, 12);
        for (let c = 0; c < 8; c++)
          await install(w.store, fake2.url, `19:ch${c}@thread.tacv2`, { scope: 'channel' });
        const ids = Array.from({ length: 8 }, (_, c) => `19:ch${c}@thread.tacv2`);
        await queueDeliveries(w.store, ids, 48);
        const d = dispatcher({ budget: new SendBudget({ tenantRatePerSecond: 20 }) });
        const started = Date.now();
        const counts = await d.drain();
        const seconds = (Date.now() - started) / 1000;
        expect(fake2.violations, JSON.stringify(fake2.violations)).to.deep.equal([]);
        expect(counts.sent).to.equal(60);
        expect(fake2.messagesTo('a:lead')).to.have.length(12);
        for (const id of ids) expect(fake2.messagesTo(id)).to.have.length(6);
        // 12 to one chat at 8 per 2 s cannot take less than 2 s; 60 at 20/s not less than 2 s either.
        expect(seconds).to.be.greaterThan(2);
        expect(TEAMS_CONVERSATION_WINDOWS.map((x) => x.limit)).to.deep.equal([7, 8, 60]);
      } finally {
        await fake2.close();
      }
    });

    it('403 and 404 remove the conversation reference and mark the alert unreachable, with the reason', async () => {
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      await install(w.store, fake.url, '19:gone@thread.tacv2', { scope: 'channel' });
      await w.services.alerts.routeToChannel(who('globalAdmin'), '19:gone@thread.tacv2');
      fake.script('a:lead', 403, Infinity);
      fake.script('19:gone@thread.tacv2', 404, Infinity);
      await queueAlerts(w.store, 1);
      const counts = await dispatcher().drain();
      expect(counts.sent).to.equal(0);
      const deliveries = await w.store.read((tx) => tx.deliveries.list(TENANT));
      expect(deliveries.map((d) => [d.state, d.lastError?.slice(0, 3)])).to.have.deep.members([
        ['unreachable', '403'],
        ['unreachable', '404'],
      ]);
      const refs = await w.store.read(async (tx) => [
        await tx.conversations.get(TENANT, 'a:lead'),
        await tx.conversations.get(TENANT, '19:gone@thread.tacv2'),
      ]);
      expect(refs).to.deep.equal([null, null]);
    });

    it('502, 503 and 429 are retried (429 after its Retry-After) and delivered once', async () => {
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      fake.script('a:lead', 502, 1);
      fake.script('a:lead', 503, 1);
      fake.script('a:lead', 429, 1, 1);
      await queueAlerts(w.store, 1);
      const started = Date.now();
      const counts = await dispatcher().drain();
      expect(counts.sent).to.equal(1);
      expect(counts.retried).to.equal(3);
      expect(fake.messagesTo('a:lead')).to.have.length(1);
      expect(fake.requests).to.equal(4); // the SDK did not retry behind the dispatcher's back
      expect(Date.now() - started).to.be.greaterThanOrEqual(1000); // Retry-After: 1
      const [delivery] = await w.store.read((tx) => tx.deliveries.list(TENANT));
      expect([delivery.state, delivery.attempts]).to.deep.equal(['sent', 4]);
    });

    it('an alert that keeps failing stays queued with its last error (never dropped)', async () => {
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      fake.script('a:lead', 500, Infinity);
      await queueAlerts(w.store, 1);
      await dispatcher()
        .drain(1500)
        .catch((e: Error) => expect(e.message).to.match(/still due/));
      const [delivery] = await w.store.read((tx) => tx.deliveries.list(TENANT));
      expect(delivery.state).to.equal('queued');
      expect(delivery.lastError).to.match(/^500/);
      expect(delivery.attempts).to.be.greaterThan(1);
    });

    it('two dispatchers on one database deliver every alert exactly once', async () => {
      const channels = Array.from({ length: 20 }, (_, c) => `19:c${c}@thread.tacv2`);
      for (const id of channels) await install(w.store, fake.url, id, { scope: 'channel' });
      await queueDeliveries(w.store, channels, 200);
      // Two bot processes, each with its own connection(s). PostgreSQL: they elect one sender
      // (advisory lock), so each is configured with the whole 50/s; SQLite: leases share the
      // work and the budget is split by hand.
      const worker = path.join(__dirname, 'helpers', 'alertWorker.js');
      const rate = engine.name === 'PostgreSQL' ? '50' : '25';
      const [a, b] = await Promise.all(
        ['a', 'b'].map((owner) => run(process.execPath, [worker, w.address, owner, rate])),
      );
      const ca = JSON.parse(a.stdout) as { sent: number };
      const cb = JSON.parse(b.stdout) as { sent: number };
      expect(ca.sent + cb.sent).to.equal(200);
      expect(fake.messages).to.have.length(200);
      for (let c = 0; c < 20; c++) expect(fake.messagesTo(`19:c${c}@thread.tacv2`)).to.have.length(10);
      expect(fake.violations).to.deep.equal([]);
      const sent = await w.store.read((tx) => tx.deliveries.list(TENANT));
      expect(sent.every((d) => d.state === 'sent' && d.attempts === 1)).to.equal(true);
    });

    it('a dispatcher that dies mid-send leaves its lease to expire; another takes the alert over (at least once)', async () => {
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      await queueAlerts(w.store, 1);
      let hung = false;
      const hanging: AlertSender = {
        send: () => {
          hung = true;
          return new Promise<void>(() => undefined); // the process "dies" here: no answer, no mark
        },
      };
      const dead = dispatcher({ sender: hanging, leaseMs: 300, owner: 'dead' });
      void dead.drain(60_000).catch(() => undefined);
      while (!hung) await new Promise((r) => setTimeout(r, 10));
      const [leased] = await w.store.read((tx) => tx.deliveries.list(TENANT));
      expect(leased.leaseOwner).to.equal('dead');
      const counts = await dispatcher({ owner: 'survivor' }).drain();
      expect(counts.sent).to.equal(1);
      expect(fake.messagesTo('a:lead')).to.have.length(1);
    });

    it('two admins editing the alert settings at once, on two instances: both edits kept, none lost', async () => {
      // PostgreSQL: a second store with its own pool. Two SQLite stores in one process would block
      // each other's synchronous lock waits: there both edits go through the one store's queue.
      const other = engine.name === 'PostgreSQL' ? await engine.open(w.address) : w.store;
      try {
        const second = createServices(other, w.clock);
        const rounds: [string[], number][] = [
          [['exhausted'], 3],
          [['half', 'oneLeft'], 7],
          [['eightyPercent'], 12],
        ];
        for (const [thresholds, days] of rounds) {
          await Promise.all([
            w.services.alerts.configure(who('globalAdmin'), { thresholds }),
            second.alerts.configure(who('partnerAdmin'), { pendingReminderDays: days }),
          ]);
          const saved = await w.store.read((tx) => tx.alertSettings.get(TENANT));
          expect(saved?.thresholds, `thresholds, round ${days}`).to.deep.equal(thresholds);
          expect(saved?.pendingReminderDays, `reminder days, round ${days}`).to.equal(days);
        }
      } finally {
        if (other !== w.store) await other.close();
      }
    });

    it('thresholds are per organisation: an admin can choose them; bad ones are refused with the field named', async () => {
      await w.services.alerts.configure(who('globalAdmin'), { thresholds: ['exhausted'] });
      const total = (await w.services.benefits.view(who('member'))).offers[0].benefits[0].total!;
      for (let i = 0; i < total; i++)
        await w.services.incidents.open(who('member'), incidentInput('onPremises'));
      const outbox = await w.store.read((tx) => tx.outbox.list(TENANT));
      expect(outbox.map((a) => a.payload.kind === 'quotaThreshold' && a.payload.threshold)).to.deep.equal([
        'exhausted',
      ]);
      let err: unknown;
      await w.services.alerts
        .configure(who('globalAdmin'), { thresholds: ['sometimes'] })
        .catch((e: unknown) => (err = e));
      expect(String(err)).to.match(/thresholds: unknown: sometimes/);
      err = undefined;
      await w.services.alerts
        .configure(who('supportLead'), { pendingReminderDays: 3 })
        .catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(RoleRequiredError);
    });
  },
);

forEachEngine(
  'scheduled alerts: expiry within 30 and 7 days (R14), activation pending too long (R8)',
  (engine) => {
    it('one alert per window, whatever the number of scans; the narrowest window only on a late first scan', async () => {
      const w = await engineWorld(
        engine,
        [offer('ap', 'actionPack', null, 'allActive', { expiresOn: '2026-07-10' })],
        {
          today: '2026-06-15',
        },
      );
      try {
        expect(await scanScheduledAlerts(w.store, w.clock)).to.equal(1); // 25 days left: the 30-day alert
        expect(await scanScheduledAlerts(w.store, w.clock)).to.equal(0);
        w.clock.set('2026-07-04T09:00:00Z'); // 6 days left
        expect(await scanScheduledAlerts(w.store, w.clock)).to.equal(1);
        expect(await scanScheduledAlerts(w.store, w.clock)).to.equal(0);
        const kinds = (await w.store.read((tx) => tx.outbox.list(TENANT))).map((a) =>
          a.payload.kind === 'benefitExpiring'
            ? `${a.payload.windowDays}:${a.payload.daysLeft}`
            : a.payload.kind,
        );
        expect(kinds).to.deep.equal(['30:25', '7:6']);
      } finally {
        await w.close();
      }
      const late = await engineWorld(engine, [
        offer('ap', 'actionPack', null, 'allActive', { expiresOn: '2026-06-20' }),
      ]);
      try {
        expect(await scanScheduledAlerts(late.store, late.clock)).to.equal(1);
        const [a] = await late.store.read((tx) => tx.outbox.list(TENANT));
        expect(a.payload.kind === 'benefitExpiring' && a.payload.windowDays).to.equal(7);
      } finally {
        await late.close();
      }
    });

    it('admins are reminded of a request pending longer than the reminder period, again each period', async () => {
      const w = await engineWorld(engine, [
        offer('gd', 'gold', 'Cloud Platform', { productSupport: { activation: 'notActivated' } }),
      ]);
      try {
        const view = await w.services.benefits.view(who('globalAdmin'));
        const benefit = view.offers[0].benefits.find((b) => b.type === 'productSupport')!;
        await w.services.activation.request(who('globalAdmin'), benefit.id);
        await w.services.alerts.configure(who('globalAdmin'), { pendingReminderDays: 3 });
        const pending = async () =>
          (await w.store.read((tx) => tx.outbox.list(TENANT))).filter(
            (a) => a.payload.kind === 'activationPending',
          );
        w.clock.set('2026-06-17T10:00:00Z'); // 2 days
        await scanScheduledAlerts(w.store, w.clock);
        expect(await pending()).to.have.length(0);
        w.clock.set('2026-06-18T10:00:00Z'); // 3 days
        await scanScheduledAlerts(w.store, w.clock);
        await scanScheduledAlerts(w.store, w.clock);
        expect(await pending()).to.have.length(1);
        w.clock.set('2026-06-21T10:00:00Z'); // 6 days: the second reminder
        await scanScheduledAlerts(w.store, w.clock);
        expect(await pending()).to.have.length(2);
      } finally {
        await w.close();
      }
    });
  },
);
