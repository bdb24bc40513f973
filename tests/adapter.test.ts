/**
 * The HTTP entry point and the adapter: what CloudAdapter.process checked is still checked,
 * authentication still refuses, and incoming turns share connector clients while replies still
 * reach the (fake, local) Bot Connector.
 */
import { expect } from 'chai';
import type { TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { InvalidActivityError } from '../bot/adapter';
import { ReplyTimeoutError, withoutRetries } from '../bot/connectorPolicy';
import { memoryLogger } from '../bot/logger';
import { activity, startTestBot } from './helpers/botHttp';
import { localAdapter, startFakeConnector, type FakeConnector } from './helpers/fakeConnector';

const APP_ID = '11111111-2222-4333-8444-555555555555';

describe('the HTTP entry point', function () {
  this.timeout(30_000);

  it('with an app id configured, a request without a token is a 401 with a generic body, and is logged', async () => {
    const bot = await startTestBot({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: 'not-used-offline',
      MICROSOFT_APP_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
    });
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

describe('replies cannot pin requests', function () {
  this.timeout(30_000);
  const TIMEOUT_MS = 400;
  let fake: FakeConnector;
  let bot: Awaited<ReturnType<typeof startTestBot>>;
  before(async () => {
    fake = await startFakeConnector();
    bot = await startTestBot({ REPLY_TIMEOUT_MS: String(TIMEOUT_MS), REPLY_MAX_RETRIES: '2' });
  });
  after(async () => {
    await bot.close();
    await fake.close();
  });

  /** A message with normal delivery (replies go to the fake connector): HTTP status, time taken, what it logged. */
  async function turn(conversationId: string, text = 'hello') {
    const logged = bot.logs.lines.length;
    const requests = fake.requests;
    const started = performance.now();
    const res = await bot.post({
      ...activity('member', { type: 'message', text }, { conversationId }),
      deliveryMode: 'normal',
      serviceUrl: fake.url,
    });
    return {
      status: res.status,
      ms: performance.now() - started,
      requests: fake.requests - requests,
      problems: bot.logs.lines.slice(logged).filter((l) => l.level === 'warn' || l.level === 'error'),
    };
  }

  it('a normal turn still delivers its reply, with no warning', async () => {
    const t = await turn('a:reply-ok');
    expect(t.status).to.equal(200);
    expect(fake.messagesTo('a:reply-ok')).to.have.length.above(0);
    expect(t.problems).to.deep.equal([]);
  });

  for (const how of ['silent', 'body'] as const) {
    it(`a reply the connector never finishes (${how === 'silent' ? 'no answer' : 'headers, then no body'}) ends the turn within REPLY_TIMEOUT_MS; the request is answered and logged once`, async () => {
      fake.hang(`a:hang-${how}`, Infinity, how);
      const t = await turn(`a:hang-${how}`);
      expect(t.status).to.equal(200);
      expect(t.ms).to.be.below(TIMEOUT_MS + 1500);
      expect(t.requests).to.equal(1); // a timed-out send may have arrived: it is not sent again
      expect(t.problems.map((l) => [l.level, l.msg, l.fields.errorName])).to.deep.equal([
        ['error', 'reply not delivered: the Bot Connector failed', 'ReplyTimeoutError'],
      ]);
      // The connector back: the next turn there is served normally.
      fake.hang(`a:hang-${how}`, 0);
      expect((await turn(`a:hang-${how}`)).problems).to.deep.equal([]);
      expect(fake.messagesTo(`a:hang-${how}`)).to.have.length.above(0);
    });
  }

  it('a 429 with Retry-After: 3600 is not waited for: one request, the turn ends at once, logged once with the status', async () => {
    fake.script('a:throttled', 429, 1, 3600);
    const t = await turn('a:throttled');
    expect(t.status).to.equal(200);
    expect(t.ms).to.be.below(1500);
    expect(t.requests).to.equal(1);
    expect(t.problems.map((l) => [l.msg, l.fields.statusCode])).to.deep.equal([
      ['reply not delivered: the Bot Connector failed', 429],
    ]);
  });

  it('transient statuses are retried, at most REPLY_MAX_RETRIES times, within the deadline', async () => {
    const roomy = await startTestBot({ REPLY_TIMEOUT_MS: '5000', REPLY_MAX_RETRIES: '2' });
    const send = async (conversationId: string) => {
      const logged = roomy.logs.lines.length;
      const requests = fake.requests;
      const res = await roomy.post({
        ...activity('member', { type: 'message', text: 'hello' }, { conversationId }),
        deliveryMode: 'normal',
        serviceUrl: fake.url,
      });
      expect(res.status).to.equal(200);
      return {
        requests: fake.requests - requests,
        problems: roomy.logs.lines
          .slice(logged)
          .filter((l) => l.level === 'warn' || l.level === 'error')
          .map((l) => [l.msg, l.fields.statusCode]),
      };
    };
    try {
      fake.script('a:flaky', 503, 1);
      expect(await send('a:flaky')).to.deep.equal({ requests: 2, problems: [] });
      expect(fake.messagesTo('a:flaky')).to.have.length.above(0);

      fake.script('a:down', 429, Infinity, 0);
      expect(await send('a:down')).to.deep.equal({
        requests: 3, // 1 + REPLY_MAX_RETRIES
        problems: [['reply not delivered: the Bot Connector failed', 429]],
      });
    } finally {
      await roomy.close();
    }

    // With 400 ms in all, a 500 ms back-off does not fit: no retry, the turn ends.
    fake.script('a:flaky-short', 503, 1);
    const t = await turn('a:flaky-short');
    expect(t.requests).to.equal(1);
    expect(t.problems.map((l) => l.fields.statusCode)).to.deep.equal([503]);
  });

  it('proactive sends (alerts) have the same deadline, also without the client retries', async () => {
    const adapter = localAdapter(memoryLogger(), { REPLY_TIMEOUT_MS: String(TIMEOUT_MS) });
    const reference = {
      serviceUrl: fake.url,
      conversation: { id: 'a:proactive-hang', isGroup: false, conversationType: 'personal', name: '' },
    };
    fake.hang('a:proactive-hang', 2);
    for (const noRetries of [false, true]) {
      const started = performance.now();
      const outcome = await adapter
        .continueConversationAsync('', reference, async (context) => {
          const connector = context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
          if (noRetries) withoutRetries(connector);
          await context.sendActivity('alert');
        })
        .then(
          () => 'sent',
          (err: unknown) => err,
        );
      expect(outcome).to.be.instanceOf(ReplyTimeoutError);
      expect(performance.now() - started).to.be.below(TIMEOUT_MS + 1500);
    }
  });
});
