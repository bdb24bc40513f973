/**
 * The real bot (random loopback port, fresh SQLite file, demo organisation) driven through the
 * real Microsoft 365 Agents Playground, over the Playground's own HTTP + WebSocket API: the
 * bot's messages are read from the Playground's conversation stream, as its page shows them.
 *
 * Network: the Playground is started by startPlayground() with --disable-telemetry,
 * APPLICATION_INSIGHTS_NO_STATSBEAT=true and TEAMSAPPTESTER_BROWSER=none; CI runs the tests in
 * a loopback-only network namespace (unshare -n) on top of that.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { VERBS } from '../cards';
import { DEMO_TENANT } from './helpers/botHttp';
import { walkIncidentDialog } from './helpers/incidentDialog';
import { PROJECT_ROOT } from '../services/config';
import {
  cardActions,
  heroButtons,
  isRecord,
  onlyCard,
  str,
  useBotWithPlayground,
  visibleText,
  type PlaygroundConfig,
  type PlaygroundUser,
} from './helpers/playground';

const INCIDENT_ID = /INC-[A-Z0-9]{8}/;

describe('end to end through the Microsoft 365 Agents Playground', function () {
  this.timeout(90_000);
  const { pg, bot, user, config: playgroundConfig } = useBotWithPlayground();
  let config: PlaygroundConfig;
  /** The Playground's current user (Avery, Global admin) in their personal chat with the bot. */
  let me: PlaygroundUser;
  let personal: string;
  let group: string;

  before(() => {
    config = playgroundConfig();
    me = config.currentUser;
    personal = config.personalChatId;
    group = config.groupChatId;
  });

  it('the Playground uses .m365agentsplayground.yml: the demo tenant and people of the demo organisation', () => {
    const demo: unknown = JSON.parse(
      fs.readFileSync(path.join(PROJECT_ROOT, 'examples/demo-org.json'), 'utf8'),
    );
    const demoUsers = isRecord(demo) && Array.isArray(demo.users) ? demo.users : [];
    const nameByAad = new Map(demoUsers.map((u) => [str(u, 'aadObjectId'), str(u, 'name')]));
    expect(config.tenantId).to.equal(DEMO_TENANT);
    expect(me.name).to.equal('Avery Chen');
    expect(me.aadObjectId).to.equal('00000000-0000-4000-8000-000000000001');
    expect(config.users.map((u) => u.name)).to.include.members([
      'Bao Lin',
      'Dev Patel',
      'Eli Novak',
      'Fang Wu',
    ]);
    for (const u of [me, ...config.users]) expect(nameByAad.get(u.aadObjectId), u.name).to.equal(u.name);
  });

  it('installing the app in the personal chat brings the welcome card', async () => {
    const replies = await pg().install(personal);
    const { card } = onlyCard(replies);
    expect(str(card, 'version')).to.equal('1.5');
    expect(visibleText(card)).to.match(/Hello!/);
    expect(visibleText(card)).to.include('Your partner support assistant');
  });

  it('a question typed in the chat box (en-US) is answered in English', async () => {
    const text = visibleText(await pg().say(personal, me, 'how many incidents does gold include?'));
    expect(text).to.match(/Gold competency 20 incidents/);
    expect(text).to.match(/Source/);
  });

  it('a question sent with locale zh-CN is answered in Chinese', async () => {
    const text = visibleText(await pg().sayAs(personal, me, '金牌有多少个事件', { locale: 'zh-CN' }));
    expect(text).to.match(/金牌能力 20 个事件/);
    expect(text).to.match(/来源/);
    expect(text).not.to.match(/Gold competency/);
  });

  it('Avery (Global admin) activates a not-yet-activated benefit through the card’s Action.Execute → pending', async () => {
    const benefitId = 'silver-data-analytics.signatureCloudSupport';
    const replies = await pg().say(personal, me, 'what benefits do we have');
    const benefits = onlyCard(replies);
    expect(visibleText(benefits.card)).to.include('Technical support benefits');
    expect(visibleText(benefits.card)).to.include('Not activated');
    const activate = cardActions(benefits.card).find(
      (a) => a.verb === VERBS.startActivation && a.data?.benefitId === benefitId,
    );
    expect(activate, 'Activate button on Signature Cloud Support (Data Analytics)').to.not.equal(undefined);
    if (!activate) return;
    expect(activate.type).to.equal('Action.Execute');

    // The Playground answers an invoke with the bot's invoke response; its page shows that card
    // in place of the clicked one (nothing new arrives on the conversation stream).
    const confirm = await pg().execute(personal, me, benefits.message, activate);
    expect(confirm.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(visibleText(confirm.value)).to.match(/Request activation\?/);
    expect(visibleText(confirm.value)).to.include('Allow a few days to process your activation request.');
    const confirmButton = cardActions(confirm.value).find((a) => a.verb === VERBS.confirmActivation);
    expect(confirmButton, 'Confirm button').to.not.equal(undefined);
    if (!confirmButton) return;
    const pending = await pg().execute(personal, me, benefits.message, confirmButton);
    expect(pending.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(visibleText(pending.value)).to.include('Activation pending');

    // A fresh benefits card shows it pending, with no Activate button for it any more.
    const again = onlyCard(await pg().say(personal, me, 'show our benefits'));
    expect(
      cardActions(again.card).some(
        (a) => a.verb === VERBS.startActivation && a.data?.benefitId === benefitId,
      ),
    ).to.equal(false);
    const stored = await bot().store.read((tx) => tx.benefits.get(DEMO_TENANT, benefitId));
    expect(stored?.activation.state).to.equal('pending');
  });

  it('Bao (MPN partner admin) asks in Chinese in the group chat and gets the benefits card in Chinese', async () => {
    const text = visibleText(await pg().sayAs(group, user('Bao Lin'), '查看我的权益', { locale: 'zh-CN' }));
    expect(text).to.include('技术支持权益');
    expect(text).to.include('无限制');
  });

  it('opening an incident through the guided dialog ends with an incident card with its id', async () => {
    const { first, last } = await walkIncidentDialog((text) => pg().say(personal, me, text), visibleText);
    // Choice prompts arrive as hero cards; the Playground sends a clicked button's title as text.
    expect(heroButtons(first)).to.include('On-premises product');
    const summary = onlyCard(last);
    expect(visibleText(summary.card)).to.include('Availability group fails over');
    expect(visibleText(summary.card)).to.include('SQL Server 2022');
    const confirm = cardActions(summary.card).find((a) => a.verb === VERBS.confirmIncident);
    expect(confirm?.data?.idempotencyKey).to.be.a('string');
    if (!confirm) return;

    const opened = await pg().execute(personal, me, summary.message, confirm);
    expect(opened.type).to.equal('application/vnd.microsoft.card.adaptive');
    const id = INCIDENT_ID.exec(visibleText(opened.value))?.[0];
    expect(id, visibleText(opened.value)).to.be.a('string');
    expect(visibleText(opened.value)).to.include('Availability group fails over');

    // The card's Action.Submit fallback (Teams mobile) goes through the Playground's submit.
    const mine = await pg().submit(personal, me, summary.message, { verb: VERBS.myIncidents });
    expect(visibleText(mine)).to.match(/My support incidents/);
    expect(visibleText(mine)).to.include(id ?? 'INC-');
  });

  it('Eli (CSP-only) asking for the benefits is refused: not authorized (R4)', async () => {
    const replies = await pg().sayAs(group, user('Eli Novak'), 'what benefits do we have');
    const text = visibleText(replies);
    expect(text).to.include('You are not authorized for this action');
    expect(text).to.include('You must have an MPN associated account.');
    expect(text).not.to.include('Technical support benefits');
  });

  it('a named benefit’s own figures, then a follow-up: the rejection reason, then "when does it expire?" (issue 13)', async () => {
    const rejected = await bot().store.read((tx) =>
      tx.benefits.get(DEMO_TENANT, 'gold-application-development.productSupport'),
    );
    const offers = await bot().store.read((tx) => tx.offers.list(DEMO_TENANT));
    const offer = offers.find((o) => o.id === 'gold-application-development');
    const reason = rejected?.activation.rejectedReason ?? '';
    expect(reason.length).to.be.greaterThan(5);
    const why = visibleText(await pg().say(personal, me, 'why was the app dev product support rejected?'));
    expect(why).to.include(reason);
    expect(why).not.to.match(/\bR\d+\b|\[rejected\]/);
    const when = visibleText(await pg().say(personal, me, 'when does it expire?'));
    expect(when).to.include(`expires on ${offer?.expiresOn}`);
  });

  it('Fang (support lead) lists the organisation’s open incidents in Chinese; Dev (member) sees only his own (issue 13)', async () => {
    const lead = visibleText(
      await pg().sayAs(group, user('Fang Wu'), '列出组织所有未关闭的事件', { locale: 'zh-CN' }),
    );
    expect(lead).to.include('组织未关闭的支持事件');
    const open = (await bot().services.incidents.listAll(DEMO_TENANT)).filter((i) => i.state === 'open');
    expect(open.length, 'the incident opened above').to.be.greaterThan(0);
    for (const i of open) expect(lead).to.include(i.id);
    const member = visibleText(
      await pg().sayAs(group, user('Dev Patel'), 'list all incidents of the organisation'),
    );
    expect(member).to.include('here are yours');
    expect(member).not.to.include('Organisation’s support incidents');
  });
});
