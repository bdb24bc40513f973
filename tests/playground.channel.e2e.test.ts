/**
 * "Send alerts here" in a team channel, end to end through the real Microsoft 365 Agents
 * Playground: Avery (Global admin) @mentions the bot with it in the Support channel, a member
 * is refused, and the next quota alert is posted into that channel as a new
 * message through the Playground's Bot Connector API.
 *
 * The incidents that cross the threshold are opened through the service layer and the
 * dispatcher is woken by hand: the dialog and the wake-up after a turn are covered by
 * playground.alerts.e2e.test.ts; this test is about where the alert goes.
 *
 * Network: as the other Playground tests (loopback only, telemetry off).
 */
import { expect } from 'chai';
import { DEMO_TENANT, DEMO_USERS } from './helpers/botHttp';
import {
  adaptiveCards,
  str,
  useBotWithPlayground,
  visibleText,
  type PlaygroundConfig,
  type PlaygroundUser,
} from './helpers/playground';

const ACTION_PACK_PRODUCT_SUPPORT = 'action-pack.productSupport';

describe('end to end through the Agents Playground: quota alerts in a team channel', function () {
  this.timeout(90_000);
  // No polling: alerts go out when the test wakes the dispatcher.
  const {
    pg,
    bot,
    user,
    config: playgroundConfig,
  } = useBotWithPlayground(() => ({
    app: { alerts: { pollMs: 600_000 } },
  }));
  let config: PlaygroundConfig;
  let avery: PlaygroundUser;
  let dev: PlaygroundUser;
  let support: string;

  const channelNamed = (name: string): string => {
    const id = config.channels.find((c) => c.name === name)?.id;
    if (!id) throw new Error(`no channel ${name} in the Playground config`);
    return id;
  };

  before(() => {
    config = playgroundConfig();
    avery = config.currentUser;
    dev = user(DEMO_USERS.member.name);
    support = channelNamed('Support');
  });

  it('a member cannot choose the channel (R2): the settings stay as they were', async () => {
    const replies = await pg().sayAs(support, dev, 'send alerts here', { mentionBot: true });
    expect(visibleText(replies)).to.match(/Global admin|MPN partner admin/i);
    const settings = await bot().store.read((tx) => tx.alertSettings.get(DEMO_TENANT));
    expect(settings?.channelConversationId ?? null).to.equal(null);
  });

  it('Avery says "send alerts here" in the Support channel: the card confirms it and the channel is stored', async () => {
    const replies = await pg().sayAs(support, avery, 'send alerts here', { mentionBot: true });
    expect(replies.every((m) => m.conversationId === support)).to.equal(true);
    expect(visibleText(replies)).to.include('This channel will get quota and expiry alerts');
    const settings = await bot().store.read((tx) => tx.alertSettings.get(DEMO_TENANT));
    expect(settings?.channelConversationId).to.equal(support);
  });

  it('the next quota alert is posted into the channel as a new message', async () => {
    const services = bot().services;
    const dev = { tenantId: DEMO_TENANT, aadObjectId: DEMO_USERS.member.aadObjectId };
    const open = (title: string) =>
      services.incidents.open(dev, {
        kind: 'onPremises',
        product: 'SQL Server 2022',
        title,
        description: 'The nightly ETL job times out after the upgrade to CU 12.',
        severity: 'B',
        contact: { name: 'Dev Patel', email: 'dev.patel@contoso.example', phone: null },
      });
    await open('Reporting service crashes on start'); // 4 of 10: no threshold
    const fifth = await open('Availability group fails over at night'); // 5 of 10: half
    expect(fifth.benefitId).to.equal(ACTION_PACK_PRODUCT_SUPPORT);
    bot().alerts?.notify();

    const message = await pg().waitForMessage(
      (m) => m.conversationId === support && visibleText(m).includes(fifth.id),
      `the quota alert for ${fifth.id} in the Support channel`,
    );
    const [card] = adaptiveCards([message]);
    expect(visibleText(card?.card)).to.match(/Half of the incidents are used/);
    expect(visibleText(card?.card)).to.include(`${fifth.id} (Dev Patel)`);

    // A new post in the channel, not a reply in Avery's thread; and the delivery is recorded as sent.
    const post = await pg().waitForLog(
      (l) => l.from === 'User Application' && l.messageId === message.messageId,
      'the bot’s POST of the alert in the Playground’s log',
    );
    expect(str(post.requestBody, 'conversation', 'id')).to.equal(support);
    expect(str(post.requestBody, 'replyToId')).to.equal(undefined);
    // The dispatcher marks it sent once Teams (here the Playground) has answered.
    const channelDeliveries = async () =>
      (await bot().store.read((tx) => tx.deliveries.list(DEMO_TENANT)))
        .filter((d) => d.recipient === `channel:${support}`)
        .map((d) => d.state);
    for (let i = 0; i < 50 && (await channelDeliveries()).includes('queued'); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await channelDeliveries()).to.deep.equal(['sent']);
  });
});
