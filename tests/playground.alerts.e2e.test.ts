/**
 * Proactive quota alerts end to end through the real Microsoft 365 Agents Playground: the
 * incident that crosses a threshold makes the support lead's personal chat receive the alert.
 *
 * The Playground pushes to its WebSocket only the chats of its current user (its
 * ConversationWebsocket drops messages for a chat whose members do not include the current
 * user), so this test starts its own Playground whose current user is Fang Wu, the demo
 * organisation's support lead (a copy of the repo's .m365agentsplayground.yml with the current
 * user swapped, written into the test's temp folder). Fang opens her personal chat with the bot,
 * which stores her conversation reference with the Playground as its serviceUrl. Dev Patel (a
 * member) then opens incidents in the group chat: his messages go through the Playground's
 * custom-activity feature, his card clicks through its own Action.Execute invoke (which honours
 * `from`). The Action Pack's Product Support has 3 of 10 incidents used: the 4th crosses
 * nothing, the 5th crosses "half". The alert dispatcher (started by startApp) then POSTs the
 * alert card to the Playground's /v3/conversations/{Fang's chat}/activities, and the card
 * arrives on the Playground's conversation stream in Fang's chat. Fang's profile locale is
 * zh-CN, so the card is in Chinese.
 *
 * Network: the Playground is started by startPlayground() with --disable-telemetry,
 * APPLICATION_INSIGHTS_NO_STATSBEAT=true and TEAMSAPPTESTER_BROWSER=none; run inside a
 * loopback-only network namespace (unshare -n).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { VERBS } from '../cards';
import { DEMO_TENANT } from './helpers/botHttp';
import { walkIncidentDialog } from './helpers/incidentDialog';
import { PROJECT_ROOT } from '../services/config';
import {
  adaptiveCards,
  cardActions,
  isRecord,
  onlyCard,
  playgroundConfigWithCurrentUser,
  str,
  useBotWithPlayground,
  visibleText,
  type BotMessage,
  type PlaygroundConfig,
  type PlaygroundUser,
} from './helpers/playground';

const FANG_AAD = '00000000-0000-4000-8000-000000000006';
const DEV_AAD = '00000000-0000-4000-8000-000000000004';
/** Action Pack: 10 Microsoft Product Support incidents, 3 used in examples/demo-org.json. */
const ACTION_PACK_PRODUCT_SUPPORT = 'action-pack.productSupport';
const INCIDENT_ID = /INC-[A-Z0-9]{8}/;

describe('end to end through the Agents Playground: quota alerts reach the support lead', function () {
  this.timeout(90_000);
  // This Playground's current user is Fang: a copy of the repo's config with the current user swapped.
  const {
    started,
    pg,
    bot,
    user,
    config: playgroundConfig,
  } = useBotWithPlayground(() => ({
    yml: (repoYml) => playgroundConfigWithCurrentUser(repoYml, '29:fang'),
    // No poll during the test: the alert must go out because Dev's turn wrote it and woke the dispatcher.
    app: { alerts: { pollMs: 600_000 } },
  }));
  let config: PlaygroundConfig;
  /** Fang Wu, support lead: the current user of this Playground. */
  let fang: PlaygroundUser;
  let dev: PlaygroundUser;
  let fangsChat: string;
  let group: string;
  const incidentIds: string[] = [];

  const quotaAlerts = () =>
    bot().store.read(async (tx) =>
      (await tx.outbox.list(DEMO_TENANT)).filter((a) => a.payload.kind === 'quotaThreshold'),
    );
  const used = async () =>
    (await bot().store.read((tx) => tx.benefits.get(DEMO_TENANT, ACTION_PACK_PRODUCT_SUPPORT)))?.used;

  /** Dev opens an on-premises incident in the group chat, as in Teams: guided dialog, then Confirm. */
  const devOpensIncident = async (title: string): Promise<string> => {
    const { last } = await walkIncidentDialog((text) => pg().sayAs(group, dev, text), visibleText, {
      title,
      description: 'The nightly ETL job times out after the upgrade to CU 12.',
    });
    const summary = onlyCard(last);
    expect(visibleText(summary.card)).to.include(title);
    const confirm = cardActions(summary.card).find((a) => a.verb === VERBS.confirmIncident);
    expect(confirm, 'Confirm button on the summary card').to.not.equal(undefined);
    if (!confirm) throw new Error('no Confirm button');

    // Dev clicks Confirm: the Playground's own Action.Execute invoke, sent as Dev.
    const opened = await pg().execute(group, dev, summary.message, confirm);
    expect(opened.type).to.equal('application/vnd.microsoft.card.adaptive');
    const id = INCIDENT_ID.exec(visibleText(opened.value))?.[0];
    expect(id, visibleText(opened.value)).to.be.a('string');
    if (!id) throw new Error('no incident id on the incident card');
    const stored = await bot().store.read((tx) => tx.incidents.get(DEMO_TENANT, id));
    expect(stored?.openedBy, 'the incident is Dev’s').to.equal(DEV_AAD);
    expect(stored?.benefitId).to.equal(ACTION_PACK_PRODUCT_SUPPORT);
    incidentIds.push(id);
    return id;
  };

  const inFangsChat = (m: BotMessage) => m.conversationId === fangsChat;

  before(() => {
    config = playgroundConfig();
    fang = config.currentUser;
    dev = user('Dev Patel');
    fangsChat = config.personalChatId;
    group = config.groupChatId;
  });

  it('this Playground chats as Fang Wu, the demo organisation’s support lead', () => {
    const demo: unknown = JSON.parse(
      fs.readFileSync(path.join(PROJECT_ROOT, 'examples/demo-org.json'), 'utf8'),
    );
    const fangInOrg = (isRecord(demo) && Array.isArray(demo.users) ? demo.users : []).find(
      (u) => str(u, 'aadObjectId') === FANG_AAD,
    );
    expect(str(fangInOrg, 'name')).to.equal('Fang Wu');
    expect(isRecord(fangInOrg) && fangInOrg.roles).to.deep.equal(['supportLead']);
    expect(config.tenantId).to.equal(DEMO_TENANT);
    expect(fang.name).to.equal('Fang Wu');
    expect(fang.aadObjectId).to.equal(FANG_AAD);
    expect(config.users.map((u) => u.name)).to.have.members([
      'Avery Chen',
      'Bao Lin',
      'Carmen Diaz',
      'Dev Patel',
      'Eli Novak',
    ]);
    expect(dev.aadObjectId).to.equal(DEV_AAD);
  });

  it('Fang opens her personal chat with the bot: welcome card, and her conversation reference points at the Playground', async () => {
    const replies = await pg().install(fangsChat);
    expect(visibleText(replies)).to.include('Your partner support assistant');
    const ref = await bot().store.read((tx) => tx.conversations.personalFor(DEMO_TENANT, FANG_AAD));
    expect(ref?.conversationId).to.equal(fangsChat);
    expect(ref?.scope).to.equal('personal');
    const serviceUrl = str(ref?.reference, 'serviceUrl');
    expect(serviceUrl, 'serviceUrl of Fang’s reference').to.be.a('string');
    expect(new URL(serviceUrl ?? 'http://invalid').port).to.equal(String(started().playground.port));
  });

  it('Dev opens an incident in the group chat (4 of 10 used): no threshold crossed, no quota alert', async () => {
    expect(await used()).to.equal(3);
    const id = await devOpensIncident('Nightly ETL job times out');
    expect(await used()).to.equal(4);
    expect(await quotaAlerts(), 'quota alerts after the 4th incident').to.deep.equal([]);
    expect(
      pg()
        .messages.filter(inFangsChat)
        .some((m) => visibleText(m).includes(id)),
    ).to.equal(false);
  });

  it('Dev’s next incident uses half of them: Fang’s personal chat receives the alert card over the WebSocket', async () => {
    const started = Date.now();
    const id = await devOpensIncident('Reporting service crashes on start');
    expect(await used()).to.equal(5);
    const [alert] = await quotaAlerts();
    expect(alert?.payload).to.include({ kind: 'quotaThreshold', threshold: 'half', incidentId: id });

    // The dispatcher sends it on its own: a proactive message in Fang's chat, not in Dev's group chat.
    const message = await pg().waitForMessage(
      (m) => inFangsChat(m) && visibleText(m).includes(id),
      `the quota alert for ${id} in Fang’s personal chat`,
    );
    const elapsed = Date.now() - started;
    const cards = adaptiveCards([message]);
    expect(cards).to.have.length(1);
    const text = visibleText(cards[0].card);
    // Fang's profile locale is zh-CN: "Half of the incidents are used: Microsoft Product Support".
    // (The Chinese title's colon may be ASCII or full-width; the words are what matter.)
    expect(text).to.match(/^事件已用一半(?:: |：)Microsoft 产品支持\n/);
    expect(text).to.include('Contoso Partner Solutions');
    expect(text).to.match(/已用\n5 \/ 10/); // Used 5 / 10
    expect(text).to.match(/剩余\n剩余 5 个/); // Remaining: 5 left
    expect(text).to.include(`${id} (Dev Patel)`);
    expect(text).to.include('此事件由 Dev Patel 开立。'); // Dev Patel opened this incident.
    expect(cardActions(cards[0].card).map((a) => a.verb)).to.include(VERBS.showBenefits);

    // It went through the Playground's Bot Connector API (its log of the bot's POST), and the
    // delivery is recorded as sent.
    const post = await pg().waitForLog(
      (l) => l.from === 'User Application' && l.messageId === message.messageId,
      'the bot’s POST of the alert in the Playground’s log',
    );
    expect(post.activityName).to.equal('message');
    expect(str(post.requestBody, 'conversation', 'id')).to.equal(fangsChat);
    const deliveries = await bot().store.read((tx) => tx.deliveries.list(DEMO_TENANT));
    const mine = deliveries.filter((d) => d.outboxId === alert?.id);
    expect(mine.map((d) => [d.recipient, d.conversationId])).to.deep.equal([[`user:${FANG_AAD}`, fangsChat]]);

    // Exactly one quota alert in Fang's chat, none about the 4th incident, none in the group chat.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const quotaCards = pg()
      .messages.filter(inFangsChat)
      .filter((m) => /事件已用|Half of the incidents|incidents are used/.test(visibleText(m)));
    expect(quotaCards.map((m) => m.messageId)).to.deep.equal([message.messageId]);
    expect(pg().messages.some((m) => inFangsChat(m) && visibleText(m).includes(incidentIds[0]))).to.equal(
      false,
    );
    expect(
      pg().messages.some((m) => m.conversationId === group && visibleText(m).includes('事件已用')),
    ).to.equal(false);
    expect((await bot().store.read((tx) => tx.deliveries.get(mine[0]?.id ?? -1)))?.state).to.equal('sent');
    expect(elapsed, 'ms from the confirm to the alert').to.be.below(15_000);
  });
});
