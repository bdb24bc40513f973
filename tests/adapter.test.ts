/**
 * The HTTP entry point and the adapter: what CloudAdapter.process checked is still checked,
 * authentication still refuses, and incoming turns share connector clients while replies still
 * reach the (fake, local) Bot Connector.
 */
import { expect } from 'chai';
import type { TurnContext } from 'botbuilder';
import { InvalidActivityError } from '../bot/adapter';
import { memoryLogger } from '../bot/logger';
import { activity, startTestBot } from './helpers/botHttp';
import { localAdapter, startFakeConnector, type FakeConnector } from './helpers/fakeConnector';

const APP_ID = '11111111-2222-4333-8444-555555555555';

describe('the HTTP entry point', function () {
  this.timeout(30_000);

  it('with an app id configured, a request without a token is a 401 with a generic body, and is logged', async () => {
    const bot = await startTestBot({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-used-offline' });
    try {
      const res = await bot.post(activity('member', { type: 'message', text: 'benefits' }));
      expect(res.status).to.equal(401);
      expect(res.raw).to.deep.equal({ error: 'Unauthorized' });
      expect(bot.logs.lines.some((l) => l.msg === 'request refused: authentication failed')).to.equal(true);
    } finally {
      await bot.close();
    }
  });

  it('a HEAD probe of /api/messages is answered 200 without a turn or a warning', async () => {
    const bot = await startTestBot();
    try {
      const res = await fetch(`${bot.app.url}/api/messages`, { method: 'HEAD' });
      expect(res.status).to.equal(200);
      expect(bot.logs.lines.filter((l) => l.level === 'warn' && l.msg === 'request rejected')).to.deep.equal(
        [],
      );
    } finally {
      await bot.close();
    }
  });

  it('bodies that are not activities are a 400, each with a log line and nothing from inside', async () => {
    const bot = await startTestBot();
    try {
      for (const body of ['[1, 2]', '"text"', '{"text":"no type"}', '{"type": 7}', '{"type": ""}']) {
        const res = await fetch(`${bot.app.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(res.status, body).to.equal(400);
        expect(await res.json(), body).to.deep.equal({ error: 'Not a valid Bot Framework activity.' });
      }
      expect(bot.logs.lines.filter((l) => l.msg === 'activity rejected')).to.have.length(5);
    } finally {
      await bot.close();
    }
  });
});

describe('the adapter', function () {
  this.timeout(30_000);
  let fake: FakeConnector;
  before(async () => {
    fake = await startFakeConnector();
  });
  after(async () => fake.close());

  const message = (serviceUrl: string, conversationId: string, text: string) =>
    ({
      ...activity('member', { type: 'message', text }),
      deliveryMode: 'normal', // replies go to the connector
      serviceUrl,
      conversation: { id: conversationId, conversationType: 'personal' },
    }) as Record<string, unknown>;

  it('timestamps arrive as Dates, as the SDK gives them to handlers', async () => {
    const adapter = localAdapter(memoryLogger());
    let seen: unknown;
    await adapter.processBody(
      { ...message(fake.url, 'a:dates', 'hi'), timestamp: '2026-11-27T08:00:00.000Z' },
      '',
      async (context) => {
        seen = context.activity.timestamp;
      },
    );
    expect(seen).to.be.instanceOf(Date);
    expect((seen as Date).toISOString()).to.equal('2026-11-27T08:00:00.000Z');
    await adapter
      .processBody(null, '', async () => undefined)
      .then(
        () => expect.fail('accepted null'),
        (err) => expect(err).to.be.instanceOf(InvalidActivityError),
      );
  });

  it('incoming turns share one connector client per service URL, and replies still reach the connector', async () => {
    const adapter = localAdapter(memoryLogger());
    const clients: unknown[] = [];
    const reply = async (context: TurnContext) => {
      clients.push(context.turnState.get(adapter.ConnectorClientKey));
      await context.sendActivity(`echo ${context.activity.text}`);
    };
    await adapter.processBody(message(fake.url, 'a:one', 'first'), '', reply);
    await adapter.processBody(message(fake.url, 'a:two', 'second'), '', reply);
    // The same connector under another address is another service URL: its own client.
    await adapter.processBody(message(`${fake.url}/`, 'a:three', 'third'), '', reply);

    expect(clients[0]).to.be.an('object');
    expect(clients[1]).to.equal(clients[0]);
    expect(clients[2]).not.to.equal(clients[0]);
    expect(fake.messagesTo('a:one').map((m) => m.activity.text)).to.deep.equal(['echo first']);
    expect(fake.messagesTo('a:two').map((m) => m.activity.text)).to.deep.equal(['echo second']);
    expect(fake.messagesTo('a:three').map((m) => m.activity.text)).to.deep.equal(['echo third']);

    // Proactive sends (alerts) get their own client, since the alert sender changes its retry policy.
    let proactive: unknown;
    await adapter.continueConversationAsync(
      '',
      {
        serviceUrl: fake.url,
        conversation: { id: 'a:one', isGroup: false, conversationType: 'personal', name: '' },
      },
      async (context) => {
        proactive = context.turnState.get(adapter.ConnectorClientKey);
      },
    );
    expect(proactive).to.be.an('object');
    expect(proactive).not.to.equal(clients[0]);
  });
});
