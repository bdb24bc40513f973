/** The fake Bot Connector records what the bot sends and refuses what Teams would refuse. */
import { expect } from 'chai';
import { ConnectorClient, MicrosoftAppCredentials } from 'botframework-connector';
import { startFakeConnector, type FakeConnector, type FakeConnectorOptions } from './helpers/fakeConnector';

const TENANT = '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
const OTHER_TENANT = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const CHANNEL_THREAD = '19:abc123@thread.tacv2;messageid=1700000000000';
const PERSONAL = 'a:1Xy-Z_personal';

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function message(
  conversationId: string,
  text: string,
  tenantId: string | null = TENANT,
): Record<string, unknown> {
  return {
    type: 'message',
    text,
    conversation: tenantId === null ? { id: conversationId } : { id: conversationId, tenantId },
  };
}

async function request(fake: FakeConnector, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? null : (JSON.parse(text) as unknown),
  };
}

function activitiesPath(conversationId: string, activityId?: string): string {
  const base = `/v3/conversations/${encodeURIComponent(conversationId)}/activities`;
  return activityId === undefined ? base : `${base}/${encodeURIComponent(activityId)}`;
}

function sendTo(fake: FakeConnector, conversationId: string, text: string, tenantId?: string | null) {
  return request(fake, 'POST', activitiesPath(conversationId), message(conversationId, text, tenantId));
}

function errorCode(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return (error as { code: unknown }).code;
}

describe('fake Bot Connector', () => {
  let fake: FakeConnector;
  const start = async (options?: FakeConnectorOptions) => {
    fake = await startFakeConnector(options);
    return fake;
  };

  afterEach(async () => {
    await fake?.close();
  });

  it('records a send with the decoded conversation id and the tenant', async () => {
    await start();
    expect(fake.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await sendTo(fake, CHANNEL_THREAD, 'hello');
    expect(answer.status).to.equal(200);
    expect(answer.body).to.have.property('id').that.is.a('string').with.length.above(0);
    expect(fake.messages).to.have.length(1);
    const [m] = fake.messages;
    expect(m.conversationId).to.equal(CHANNEL_THREAD);
    expect(m.tenantId).to.equal(TENANT);
    expect(m.activity).to.include({ type: 'message', text: 'hello' });
    expect(m.at).to.be.a('number');
    expect(fake.messagesTo(CHANNEL_THREAD)).to.have.length(1);
    expect(fake.messagesTo(PERSONAL)).to.have.length(0);
    expect(fake.requests).to.equal(1);
  });

  it('takes the tenant from channelData.tenant.id, else null', async () => {
    await start();
    const body = { type: 'message', text: 'x', channelData: { tenant: { id: OTHER_TENANT } } };
    expect((await request(fake, 'POST', activitiesPath(PERSONAL), body)).status).to.equal(200);
    expect((await sendTo(fake, PERSONAL, 'y', null)).status).to.equal(200);
    expect(fake.messages.map((m) => m.tenantId)).to.deep.equal([OTHER_TENANT, null]);
  });

  it('refuses the 8th send within one second to a conversation (7/1s) with 429 and Retry-After', async () => {
    await start();
    const answers: Answer[] = [];
    for (let i = 1; i <= 8; i++) answers.push(await sendTo(fake, CHANNEL_THREAD, `burst ${i}`));
    expect(answers.slice(0, 7).map((a) => a.status)).to.deep.equal([200, 200, 200, 200, 200, 200, 200]);
    const refused = answers[7];
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('retry-after')).to.equal('1');
    expect(errorCode(refused.body)).to.equal('ThrottledRequest');
    expect(fake.messages).to.have.length(7);
    expect(fake.violations).to.have.length(1);
    expect(fake.violations[0]).to.include({
      conversationId: CHANNEL_THREAD,
      tenantId: TENANT,
      rule: 'conversation 7/1000ms',
    });
    expect(fake.requests).to.equal(8);
  });

  it('refuses the 9th send within two seconds even at under 7 per second (8/2s)', async function () {
    this.timeout(10000);
    await start();
    const statuses: number[] = [];
    for (let i = 1; i <= 9; i++) {
      if (i > 1) await sleep(200); // at most 5 in any second
      statuses.push((await sendTo(fake, PERSONAL, `slow ${i}`)).status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    expect(fake.violations.map((v) => v.rule)).to.deep.equal(['conversation 8/2000ms']);
  });

  it('windows slide: refused sends do not count, and the conversation is accepted again once the window passes', async () => {
    await start({ conversationWindows: [{ limit: 2, windowMs: 300 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await sendTo(fake, PERSONAL, `n${i}`)).status);
    expect(statuses).to.deep.equal([200, 200, 429, 429]);
    expect(fake.violations.map((v) => v.rule)).to.deep.equal([
      'conversation 2/300ms',
      'conversation 2/300ms',
    ]);
    await sleep(350);
    expect((await sendTo(fake, PERSONAL, 'again')).status).to.equal(200);
    expect(fake.messagesTo(PERSONAL).map((m) => m.activity.text)).to.deep.equal(['n0', 'n1', 'again']);
    // Another conversation has its own windows.
    expect((await sendTo(fake, CHANNEL_THREAD, 'other')).status).to.equal(200);
  });

  it('uses the configured Retry-After when given', async () => {
    await start({ conversationWindows: [{ limit: 1, windowMs: 60000 }], retryAfterSeconds: 7 });
    await sendTo(fake, PERSONAL, 'one');
    const refused = await sendTo(fake, PERSONAL, 'two');
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('retry-after')).to.equal('7');
  });

  it('computes Retry-After from when the oldest send leaves the window', async () => {
    await start({ conversationWindows: [{ limit: 1, windowMs: 5000 }] });
    await sendTo(fake, PERSONAL, 'one');
    const refused = await sendTo(fake, PERSONAL, 'two');
    expect(refused.headers.get('retry-after')).to.equal('5');
  });

  it('enforces the per-tenant budget across conversations', async () => {
    await start({ tenantRatePerSecond: 3 });
    const conversations = ['a:one', 'a:two', 'a:three', 'a:four'];
    const statuses: number[] = [];
    for (const c of conversations) statuses.push((await sendTo(fake, c, 'fan-out')).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    expect(fake.violations).to.have.length(1);
    expect(fake.violations[0]).to.include({
      conversationId: 'a:four',
      tenantId: TENANT,
      rule: 'tenant 3/1000ms',
    });
    // Another tenant has its own budget.
    expect((await sendTo(fake, 'a:four', 'other tenant', OTHER_TENANT)).status).to.equal(200);
  });

  it('a scripted 403 answers once, then sends go through', async () => {
    await start();
    fake.script(PERSONAL, 403);
    const blocked = await sendTo(fake, PERSONAL, 'first');
    expect(blocked.status).to.equal(403);
    expect(errorCode(blocked.body)).to.equal('BotNotInConversationRoster');
    expect((await sendTo(fake, PERSONAL, 'second')).status).to.equal(200);
    expect(fake.messagesTo(PERSONAL).map((m) => m.activity.text)).to.deep.equal(['second']);
    expect(fake.violations).to.have.length(0);
  });

  it('a scripted 404 forever keeps answering 404 and never counts toward the limits', async () => {
    await start({ conversationWindows: [{ limit: 1, windowMs: 60000 }] });
    fake.script(CHANNEL_THREAD, 404, Infinity);
    for (let i = 0; i < 5; i++) {
      const answer = await sendTo(fake, CHANNEL_THREAD, `gone ${i}`);
      expect(answer.status).to.equal(404);
      expect(errorCode(answer.body)).to.equal('ConversationNotFound');
    }
    expect(fake.messages).to.have.length(0);
    expect(fake.violations).to.have.length(0);
    expect((await sendTo(fake, PERSONAL, 'unaffected')).status).to.equal(200);
  });

  it('a scripted 429 carries its Retry-After and is not a violation', async () => {
    await start();
    fake.script(PERSONAL, 429, 2, 3);
    const a = await sendTo(fake, PERSONAL, 'a');
    const b = await sendTo(fake, PERSONAL, 'b');
    expect([a.status, b.status]).to.deep.equal([429, 429]);
    expect(a.headers.get('retry-after')).to.equal('3');
    expect(errorCode(a.body)).to.equal('ThrottledRequest');
    expect((await sendTo(fake, PERSONAL, 'c')).status).to.equal(200);
    expect(fake.violations).to.have.length(0);
  });

  it('serves reply, update and createConversation', async () => {
    await start();
    const reply = await request(
      fake,
      'POST',
      activitiesPath(CHANNEL_THREAD, '1700000000000'),
      message(CHANNEL_THREAD, 'in thread'),
    );
    expect(reply.status).to.equal(200);
    expect(reply.body).to.have.property('id').that.is.a('string');

    const update = await request(
      fake,
      'PUT',
      activitiesPath(CHANNEL_THREAD, '1:fake-activity-1'),
      message(CHANNEL_THREAD, 'edited'),
    );
    expect(update.status).to.equal(200);
    expect(update.body).to.deep.equal({ id: '1:fake-activity-1' });
    expect(fake.messagesTo(CHANNEL_THREAD).map((m) => m.activity.text)).to.deep.equal([
      'in thread',
      'edited',
    ]);

    const created = await request(fake, 'POST', '/v3/conversations', {
      isGroup: false,
      bot: { id: '28:bot' },
      members: [{ id: '29:avery' }],
      tenantId: TENANT,
      channelData: { tenant: { id: TENANT } },
    });
    expect(created.status).to.equal(200);
    expect(created.body).to.have.property('id').that.is.a('string').with.length.above(0);
    expect(created.body).to.have.property('serviceUrl', fake.url);
    expect(fake.requests).to.equal(2);
  });

  it('answers 404 to unknown routes and 400 to malformed JSON', async () => {
    await start();
    const unknown = await request(fake, 'GET', '/v3/conversations/x/members');
    expect(unknown.status).to.equal(404);
    expect(unknown.body).to.have.nested.property('error.code');
    expect((await request(fake, 'DELETE', activitiesPath(PERSONAL, '1'))).status).to.equal(404);
    expect((await request(fake, 'POST', '/api/messages', {})).status).to.equal(404);

    const bad = await request(fake, 'POST', activitiesPath(PERSONAL), '{"type": "message",');
    expect(bad.status).to.equal(400);
    expect((await request(fake, 'POST', activitiesPath(PERSONAL), '[1, 2]')).status).to.equal(400);
    expect(fake.messages).to.have.length(0);
  });

  it('refuses bodies over 1 MB with 413', async () => {
    await start();
    const big = message(PERSONAL, 'x'.repeat(1024 * 1024 + 10));
    expect((await request(fake, 'POST', activitiesPath(PERSONAL), big)).status).to.equal(413);
    expect(fake.messages).to.have.length(0);
  });

  it('hang: a send left unanswered, or answered 200 with a body that never ends; then normal again; close drops them', async () => {
    await start();
    fake.hang(PERSONAL, 1);
    fake.hang(CHANNEL_THREAD, 1, 'body');
    const silent = fetch(`${fake.url}${activitiesPath(PERSONAL)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(message(PERSONAL, 'hello')),
      signal: AbortSignal.timeout(300),
    });
    await silent.then(
      () => expect.fail('answered'),
      (err: Error) => expect(err.name).to.equal('TimeoutError'),
    );
    const headersOnly = await fetch(`${fake.url}${activitiesPath(CHANNEL_THREAD)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(message(CHANNEL_THREAD, 'hello')),
      signal: AbortSignal.timeout(300),
    });
    expect(headersOnly.status).to.equal(200);
    await headersOnly.text().then(
      () => expect.fail('the body ended'),
      (err: Error) => expect(err.name).to.equal('TimeoutError'),
    );
    expect(fake.hung).to.equal(2);
    expect(fake.messages).to.have.length(0);
    expect((await sendTo(fake, PERSONAL, 'again')).status).to.equal(200);
    expect(fake.messagesTo(PERSONAL)).to.have.length(1);

    fake.hang(PERSONAL, Infinity);
    const pending = sendTo(fake, PERSONAL, 'never').then(
      () => 'answered',
      () => 'dropped',
    );
    await sleep(100);
    await fake.close();
    expect(await pending).to.equal('dropped');
  });

  describe('with the real botframework ConnectorClient', () => {
    const client = () => new ConnectorClient(new MicrosoftAppCredentials('', ''), { baseUri: fake.url });

    it('sendToConversation is recorded', async () => {
      await start();
      const result = await client().conversations.sendToConversation(CHANNEL_THREAD, {
        type: 'message',
        text: 'proactive hello',
        conversation: {
          id: CHANNEL_THREAD,
          tenantId: TENANT,
          isGroup: true,
          conversationType: 'channel',
          name: '',
        },
      } as Parameters<ConnectorClient['conversations']['sendToConversation']>[1]);
      expect(result.id).to.be.a('string').with.length.above(0);
      const recorded = fake.messagesTo(CHANNEL_THREAD);
      expect(recorded).to.have.length(1);
      expect(recorded[0].tenantId).to.equal(TENANT);
      expect(recorded[0].activity).to.include({ type: 'message', text: 'proactive hello' });
    });

    it('a scripted 403 surfaces as a thrown error with statusCode 403', async () => {
      await start();
      fake.script(PERSONAL, 403);
      let caught: unknown;
      try {
        await client().conversations.sendToConversation(PERSONAL, {
          type: 'message',
          text: 'blocked',
        } as Parameters<ConnectorClient['conversations']['sendToConversation']>[1]);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(Error);
      expect(caught).to.have.property('statusCode', 403);
      expect(fake.requests).to.equal(1);
      expect(fake.messages).to.have.length(0);
    });
  });
});
