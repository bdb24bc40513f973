/** The bot over real HTTP (random loopback port, fresh SQLite file, demo organisation), replies via expectReplies. */
import { expect } from 'chai';
import { VERBS } from '../cards';
import {
  activity,
  cardsIn,
  DEMO_TENANT,
  startTestBot,
  visibleText,
  type BotActivity,
  type TestBot,
} from './helpers/botHttp';
import { forEachEngine } from './helpers/engines';

const invokeBody = (activities: BotActivity[]) => activities.find((a) => a.type === 'invokeResponse')?.value;

function actionsOf(
  card: Record<string, unknown>,
): { verb?: string; title: string; data?: Record<string, unknown> }[] {
  const found: { verb?: string; title: string; data?: Record<string, unknown> }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.Execute') found.push(o as { verb?: string; title: string });
      Object.entries(o).forEach(([k, v]) => k !== 'fallback' && walk(v));
    }
  };
  walk(card);
  return found;
}

forEachEngine('the bot over HTTP', function (engine) {
  this.timeout(30_000);
  let bot: TestBot;
  before(async function () {
    this.timeout(60_000);
    bot = await startTestBot(engine.env(await engine.newDatabase()));
  });
  after(async () => bot.close());

  describe('questions in English and Chinese', () => {
    const cases: [string, string, RegExp][] = [
      ['en-US', 'how many incidents does gold include?', /Gold competency 20 incidents/],
      ['zh-CN', '金牌有多少个事件', /金牌能力 20 个事件/],
      ['en-US', 'which competencies are cloud competencies', /Small and Midmarket Cloud Solutions/],
      ['zh-CN', '哪些是云能力', /企业移动性管理/],
      ['en-US', 'who can activate benefits', /Global Admin or MPN Partner Admin/],
      ['zh-CN', '激活需要多长时间', /需要几天时间来处理激活请求/],
      [
        'en-US',
        'what does you are not authorized for this action mean',
        /You must have an MPN associated account/,
      ],
      ['zh-CN', '为什么看不到权益', /以其他帐户登录/],
      ['en-US', 'what is the access id', /first time you use/],
      ['en-US', 'how do csp partners create azure requests', /Cloud Solution Provider/],
      ['zh-CN', '有哪些付费支持计划', /合作伙伴顶级支持/],
      ['en-US', 'can an msa account use technical support', /AAD or MSA/],
      ['en-US', 'where do i create a support request', /Support for Business/],
    ];
    for (const [locale, text, expected] of cases) {
      it(`${locale}: “${text}”`, async () => {
        const replies = await bot.say('member', text, { locale });
        expect(visibleText(replies)).to.match(expected);
        expect(visibleText(replies)).to.match(/Source|来源/);
      });
    }
    it('an unknown question gets the fallback with suggestions, in the user’s language', async () => {
      expect(visibleText(await bot.say('member', 'what is the best pizza in seattle'))).to.match(
        /I didn't get that[\s\S]*How many incidents/,
      );
      expect(visibleText(await bot.say('member', '今天股票行情如何', { locale: 'zh-CN' }))).to.match(
        /我没有理解/,
      );
    });
  });

  describe('the benefits card per role', () => {
    it('a member sees exact counts and IDs but no Activate button', async () => {
      const replies = await bot.say('member', 'how many incidents do we have left');
      const text = visibleText(replies);
      expect(text).to.include('Microsoft Product Support (Gold competency: Cloud Platform): 2 of 20 left');
      expect(text).to.include('15 of 15 left (Activation pending)'); // the state in words, not a raw value
      expect(text).to.include('7 of 10 left');
      expect(text).to.include('Unlimited (4 used)');
      expect(text).to.include('GCP-3308-1176');
      const verbs = cardsIn(replies)
        .flatMap(actionsOf)
        .map((a) => a.verb);
      expect(verbs).not.to.include(VERBS.startActivation);
    });
    it('an admin sees Activate on not-activated and rejected benefits, and Record IDs on pending ones', async () => {
      const cards = cardsIn(await bot.say('globalAdmin', 'show our benefits'));
      const actions = cards.flatMap(actionsOf);
      expect(
        actions.filter((a) => a.verb === VERBS.startActivation).map((a) => a.data?.benefitId),
      ).to.have.members([
        'silver-data-analytics.signatureCloudSupport',
        'gold-application-development.productSupport',
      ]);
      expect(
        actions.filter((a) => a.verb === VERBS.showRecordIdsForm).map((a) => a.data?.benefitId),
      ).to.deep.equal(['silver-data-analytics.productSupport']);
    });
    it('the card is in Chinese for a zh-CN user', async () => {
      const text = visibleText(await bot.say('partnerAdmin', '查看我的权益', { locale: 'zh-CN' }));
      expect(text).to.include('技术支持权益');
      expect(text).to.include('剩余 2 个（共 20 个）');
      expect(text).to.include('无限制');
    });
    it('a CSP-only user gets the R4 refusal card', async () => {
      const text = visibleText(await bot.say('cspOnly', 'show my benefits'));
      expect(text).to.include('You are not authorized for this action');
      expect(text).to.include('You must have an MPN associated account.');
    });
    it('a user unknown to the organisation gets the R6 card; an unknown tenant is told so', async () => {
      const stranger = activity('member', {
        type: 'message',
        text: 'benefits',
        from: { id: '29:x', aadObjectId: '00000000-0000-4000-8000-00000000ffff' },
      });
      expect(visibleText((await bot.post(stranger)).activities)).to.match(/not registered/);
      const otherTenant = activity(
        'member',
        { type: 'message', text: 'benefits' },
        { tenantId: '99999999-9999-4999-8999-999999999999' },
      );
      expect(visibleText((await bot.post(otherTenant)).activities)).to.match(/organisation is not set up/);
    });
    it('a Teams refresh invoke returns the user-specific card', async () => {
      const adminBody = invokeBody(await bot.invoke('globalAdmin', VERBS.refreshBenefits));
      expect(adminBody?.status).to.equal(200);
      expect(adminBody?.body?.type).to.equal('application/vnd.microsoft.card.adaptive');
      expect(
        actionsOf(adminBody?.body?.value as Record<string, unknown>).some(
          (a) => a.verb === VERBS.startActivation,
        ),
      ).to.equal(true);
      const memberBody = invokeBody(await bot.invoke('member', VERBS.refreshBenefits));
      expect(
        actionsOf(memberBody?.body?.value as Record<string, unknown>).some(
          (a) => a.verb === VERBS.startActivation,
        ),
      ).to.equal(false);
    });
  });

  describe('activation (R2, R7–R10)', () => {
    it('by text: the activation dialog asks which benefit, confirms, and requests', async () => {
      // Runs first in this group: both activatable benefits of the demo are still there.
      const conv = { conversationId: 'a:activation-dialog' };
      let replies = await bot.say('partnerAdmin', 'activate a benefit', conv);
      expect(visibleText(replies)).to.match(/Which benefit should be activated/);
      expect(visibleText(replies)).to.include('Signature Cloud Support — Silver competency (Data Analytics)');
      replies = await bot.say(
        'partnerAdmin',
        'Signature Cloud Support — Silver competency (Data Analytics)',
        conv,
      );
      expect(visibleText(replies)).to.match(/Request activation of/);
      replies = await bot.say('partnerAdmin', 'yes', conv);
      expect(visibleText(replies)).to.match(/Activation pending/);
    });

    it('admin: Activate → confirm → pending; repeat is one request; IDs recorded → active; the member then opens an incident', async () => {
      const benefitId = 'silver-data-analytics.signatureCloudSupport';
      const confirm = invokeBody(await bot.invoke('globalAdmin', VERBS.startActivation, { benefitId }));
      expect(
        visibleText([
          {
            type: 'x',
            attachments: [{ contentType: 'c', content: confirm?.body?.value as Record<string, unknown> }],
          },
        ]),
      ).to.match(/Allow a few days/);
      const pending = invokeBody(
        await bot.invoke('globalAdmin', VERBS.confirmActivation, { benefitId, requestKey: 'k' }),
      );
      expect(JSON.stringify(pending?.body?.value)).to.include('Activation pending');
      await bot.invoke('globalAdmin', VERBS.confirmActivation, { benefitId, requestKey: 'k' }); // double click
      const audit = await bot.app.store.read((tx) => tx.audit.list(DEMO_TENANT));
      expect(
        audit.filter((a) => a.action === 'activation.requested' && a.subject === benefitId),
      ).to.have.length(1);

      const bad = invokeBody(
        await bot.invoke('partnerAdmin', VERBS.recordActivationIds, {
          benefitId,
          accessId: 'x',
          contractId: 'y!',
        }),
      );
      // The field by its label, what to enter in words (never the service's field name).
      expect(JSON.stringify(bad?.body?.value)).to.match(/Access ID: 4–64 letters, digits or dashes/);
      const active = invokeBody(
        await bot.invoke('partnerAdmin', VERBS.recordActivationIds, {
          benefitId,
          accessId: 'GAD-PS-1001',
          contractId: 'CT-1001-GAD',
        }),
      );
      expect(JSON.stringify(active?.body?.value)).to.include('GAD-PS-1001');
    });

    it('a member forging Activate, Confirm or Record IDs is refused (R2), whatever the card says', async () => {
      for (const verb of [
        VERBS.startActivation,
        VERBS.confirmActivation,
        VERBS.showRecordIdsForm,
        VERBS.recordActivationIds,
      ]) {
        const body = invokeBody(
          await bot.invoke('member', verb, {
            benefitId: 'silver-data-analytics.productSupport',
            accessId: 'AAAA-1111',
            contractId: 'BBBB-2222',
            role: 'globalAdmin',
          }),
        );
        expect(body?.status).to.equal(200);
        expect(JSON.stringify(body?.body?.value), verb).to.include('Global Admin or MPN Partner Admin');
      }
      const b = await bot.app.store.read((tx) =>
        tx.benefits.get(DEMO_TENANT, 'silver-data-analytics.productSupport'),
      );
      expect(b?.activation.state).to.equal('pending');
    });

    it('the activation dialog refuses a member at the first step', async () => {
      expect(
        visibleText(
          await bot.say('member', 'activate product support', { conversationId: 'a:member-activate' }),
        ),
      ).to.include('Global Admin or MPN Partner Admin');
    });
  });

  describe('incidents', () => {
    async function walkDialog(user: 'member' | 'adminAgent', conversationId: string, kindAnswer: string) {
      const say = (t: string) => bot.say(user, t, { conversationId });
      const steps: [string, RegExp][] = [
        ['open an incident', /What is the problem about/],
        [kindAnswer, /Which product/],
        ['SQL Server 2022', /short title/],
        ['x', /title needs 5–200 characters/],
        ['Availability group fails over', /Describe the problem/],
        ['Secondary replica goes offline every night at 02:00 with error 35250.', /How severe/],
        ['B', /Should Microsoft contact you/],
        ['yes', /phone number/],
        ['call me maybe', /not a phone number/],
        ['skip', /Please check the details/],
      ];
      let last: BotActivity[] = [];
      for (const [text, expected] of steps) {
        last = await say(text);
        expect(visibleText(last), `after “${text}”`).to.match(expected);
      }
      const confirm = cardsIn(last)
        .flatMap(actionsOf)
        .find((a) => a.verb === VERBS.confirmIncident);
      expect(confirm?.data?.idempotencyKey).to.be.a('string');
      return confirm?.data?.idempotencyKey as string;
    }

    it('end to end: dialog with validation retries, confirmation, one incident even when confirmed twice', async () => {
      const before = (
        await bot.app.store.read((tx) => tx.benefits.get(DEMO_TENANT, 'gold-cloud-platform.productSupport'))
      )?.used;
      const key = await walkDialog('member', 'a:incident-e2e', 'On-premises product');
      const first = invokeBody(
        await bot.invoke(
          'member',
          VERBS.confirmIncident,
          { idempotencyKey: key },
          { conversationId: 'a:incident-e2e' },
        ),
      );
      const second = invokeBody(
        await bot.invoke(
          'member',
          VERBS.confirmIncident,
          { idempotencyKey: key },
          { conversationId: 'a:incident-e2e' },
        ),
      );
      const firstText = JSON.stringify(first?.body?.value);
      expect(firstText).to.match(/INC-[A-Z0-9]{8}/);
      const id = /INC-[A-Z0-9]{8}/.exec(firstText)?.[0];
      expect(JSON.stringify(second?.body?.value)).to.include(id);
      expect(JSON.stringify(second?.body?.value)).to.include('already opened');
      const after = (
        await bot.app.store.read((tx) => tx.benefits.get(DEMO_TENANT, 'gold-cloud-platform.productSupport'))
      )?.used;
      // The on-premises incident goes to the benefit that expires first among active ones with incidents left.
      const incidents = await bot.app.store.read((tx) => tx.incidents.list(DEMO_TENANT));
      expect(incidents.filter((i) => i.idempotencyKey === key)).to.have.length(1);
      expect(incidents.find((i) => i.idempotencyKey === key)?.benefitId).to.equal(
        'action-pack.productSupport',
      );
      expect(after).to.equal(before);
    });

    it('an Admin agent’s CSP Azure request uses no incident (R16)', async () => {
      const key = await walkDialog('adminAgent', 'a:csp', 'Azure, for a CSP customer');
      const body = invokeBody(
        await bot.invoke(
          'adminAgent',
          VERBS.confirmIncident,
          { idempotencyKey: key },
          { conversationId: 'a:csp' },
        ),
      );
      expect(JSON.stringify(body?.body?.value)).to.include('Cloud Solution Provider');
    });

    it('cancel interrupts the dialog; help answers and re-asks', async () => {
      const conv = { conversationId: 'a:interrupt' };
      await bot.say('member', 'open an incident', conv);
      await bot.say('member', 'Cloud product', conv);
      const help = await bot.say('member', 'help', conv);
      expect(visibleText(help)).to.match(/What I can do[\s\S]*Which product/);
      expect(visibleText(await bot.say('member', 'cancel', conv))).to.match(/Cancelled/);
      expect(visibleText(await bot.say('member', 'SQL Server', conv))).not.to.match(/short title/);
    });

    it('refusals come before any typing: CSP-only (R4), not activated (R7)', async () => {
      expect(
        visibleText(await bot.say('cspOnly', 'open an incident', { conversationId: 'a:csp-only' })),
      ).to.match(/What is the problem about/);
      expect(
        visibleText(await bot.say('cspOnly', 'On-premises product', { conversationId: 'a:csp-only' })),
      ).to.include('You are not authorized for this action');
    });

    it('my incidents lists them; closing by text works for the creator', async () => {
      const list = visibleText(await bot.say('member', 'my incidents'));
      const id = /INC-[A-Z0-9]{8}/.exec(list)?.[0];
      expect(id).to.be.a('string');
      // The id alone, or a question about it: that incident's card, to its opener and to those who oversee.
      const verbsOf = (replies: Awaited<ReturnType<typeof bot.say>>) =>
        cardsIn(replies)
          .flatMap(actionsOf)
          .map((a) => a.verb);
      const shown = await bot.say('member', `is ${id} still open?`);
      expect(visibleText(shown)).to.include(id);
      expect(verbsOf(shown), 'its opener may close it').to.include(VERBS.closeIncident);
      const overseen = await bot.say('supportLead', `${id}`);
      expect(visibleText(overseen)).to.include(id);
      expect(verbsOf(overseen), 'a support lead sees it, and may not close it').not.to.include(
        VERBS.closeIncident,
      );
      expect(visibleText(await bot.say('adminAgent', `${id}`))).to.match(/not found, or is not yours to see/);
      expect(visibleText(await bot.say('member', `close incident ${id}`))).to.match(/Closed/);
      expect(visibleText(await bot.say('supportLead', `close incident ${id}`))).to.match(
        /Only the person who opened an incident/,
      );
    });

    it('a forged confirm with an unknown key opens nothing', async () => {
      const count = (await bot.app.store.read((tx) => tx.incidents.list(DEMO_TENANT))).length;
      const body = invokeBody(
        await bot.invoke('member', VERBS.confirmIncident, { idempotencyKey: 'made-up' }),
      );
      expect(JSON.stringify(body?.body?.value)).to.match(/Not found/);
      expect((await bot.app.store.read((tx) => tx.incidents.list(DEMO_TENANT))).length).to.equal(count);
    });
  });

  describe('alert settings in Teams (support leads mute; admins choose thresholds and the channel)', () => {
    it('a support lead mutes and unmutes in Chinese; a member is told quota alerts are for support leads', async () => {
      expect(visibleText(await bot.say('supportLead', '静音提醒'))).to.match(/配额提醒已静音[\s\S]*已静音/);
      expect(visibleText(await bot.say('supportLead', '恢复提醒'))).to.match(/配额提醒已恢复/);
      expect(visibleText(await bot.say('member', 'mute alerts'))).to.match(
        /Quota alerts go to support leads only/,
      );
    });

    it('an admin sees the settings form and saves thresholds; the saved values come back; a member cannot save', async () => {
      const settings = cardsIn(await bot.say('globalAdmin', 'show my alert settings'));
      expect(actionsOf(settings[0]).map((a) => a.verb)).to.include(VERBS.saveAlertSettings);
      const saved = await bot.invoke('globalAdmin', VERBS.saveAlertSettings, {
        thresholds: 'exhausted,oneLeft',
        pendingReminderDays: '3',
      });
      const text = visibleText(saved);
      expect(text).to.match(/Alert settings saved/);
      expect(text).to.match(/one left, none left/);
      expect(text).to.match(/every 3 days/);
      const stored = await bot.app.store.read((tx) => tx.alertSettings.get(DEMO_TENANT));
      expect(stored?.thresholds).to.deep.equal(['oneLeft', 'exhausted']);
      expect(stored?.pendingReminderDays).to.equal(3);
      const bad = visibleText(
        await bot.invoke('globalAdmin', VERBS.saveAlertSettings, {
          thresholds: 'often',
          pendingReminderDays: '0',
        }),
      );
      expect(bad).to.match(/Please check what you entered/);
      expect(bad).to.include('Alert thresholds: choose from 50% used, 80% used, one left, none left');
      expect(bad).not.to.match(/eightyPercent|^- thresholds:/m);
      const forged = visibleText(
        await bot.invoke('member', VERBS.saveAlertSettings, { thresholds: 'half', pendingReminderDays: 1 }),
      );
      expect(forged).to.match(/Only a Global admin or MPN partner admin/);
      const after = await bot.app.store.read((tx) => tx.alertSettings.get(DEMO_TENANT));
      expect(after?.thresholds).to.deep.equal(['oneLeft', 'exhausted']);
    });

    it('"send alerts here": only in a channel, only by an admin', async () => {
      expect(visibleText(await bot.say('globalAdmin', 'send alerts here'))).to.match(/in the team channel/);
      const inChannel = (user: 'globalAdmin' | 'member') => {
        const a = activity(user, { type: 'message', text: '<at>Partner Support</at> send alerts here' });
        a.conversation = {
          id: '19:alerts@thread.tacv2;messageid=1700000000000',
          conversationType: 'channel',
          tenantId: DEMO_TENANT,
        };
        return bot.post(a);
      };
      expect(visibleText((await inChannel('member')).activities)).to.match(
        /Only a Global admin or MPN partner admin/,
      );
      expect(visibleText((await inChannel('globalAdmin')).activities)).to.match(
        /This channel will get quota and expiry alerts/,
      );
      const stored = await bot.app.store.read((tx) => tx.alertSettings.get(DEMO_TENANT));
      expect(stored?.channelConversationId).to.equal('19:alerts@thread.tacv2');
      const ref = await bot.app.store.read((tx) =>
        tx.conversations.get(DEMO_TENANT, '19:alerts@thread.tacv2'),
      );
      expect(ref?.scope).to.equal('channel');
    });
  });

  describe('hard to break', () => {
    it('Action.Submit (Teams mobile fallback) reaches the same handler as Action.Execute', async () => {
      const replies = (
        await bot.post(activity('member', { type: 'message', value: { verb: VERBS.myIncidents } }))
      ).activities;
      expect(visibleText(replies)).to.match(/My support incidents/);
    });
    it('an unknown verb gets a message, not an error', async () => {
      const body = invokeBody(await bot.invoke('member', 'made.up.verb'));
      expect(body?.status).to.equal(200);
      expect(body?.body?.type).to.equal('application/vnd.microsoft.activity.message');
    });
    it('malformed JSON is a 400; a body over the cap is refused; nothing leaks', async () => {
      const bad = await fetch(`${bot.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type":',
      });
      expect(bad.status).to.equal(400);
      const huge = await fetch(`${bot.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity('member', { type: 'message', text: 'x'.repeat(300_000) })),
      });
      expect(huge.status).to.equal(413);
      const noType = await bot.post({ text: 'hello' });
      expect(noType.status).to.equal(400);
      expect(JSON.stringify(noType.raw)).not.to.match(/at .*\.js/);
    });
    it('a message without an Entra identity gets a clear message', async () => {
      const a = activity('member', {
        type: 'message',
        text: 'benefits',
        from: { id: '29:anon', name: 'Anon' },
      });
      expect(visibleText((await bot.post(a)).activities)).to.match(/signed in to Microsoft Teams/);
    });
    it('GET /healthz answers ok', async () => {
      const res = await fetch(`${bot.app.url}/healthz`);
      expect(await res.json()).to.deep.equal({ status: 'ok' });
    });
  });
});

describe('the bot with a tenant allow-list', function () {
  this.timeout(30_000);
  it('refuses other tenants before any handler, and logs it', async () => {
    const bot = await startTestBot({ ALLOWED_TENANTS: '11111111-1111-4111-8111-111111111111' });
    try {
      const res = await bot.post(activity('member', { type: 'message', text: 'benefits' }));
      expect(res.activities).to.deep.equal([]);
      expect(bot.logs.lines.some((l) => l.msg === 'activity refused: tenant not allowed')).to.equal(true);
    } finally {
      await bot.close();
    }
  });
});
