/**
 * The one logger: pino underneath, JSON lines only, nothing secret or personal in them
 * (Authorization, tokens, secrets, message text and card data), and bounded whatever is logged.
 * First the logger itself (its write function captured), then the real bot over HTTP.
 */
import http from 'node:http';
import { Socket } from 'node:net';
import { expect } from 'chai';
import { capturedLogger, createLogger, MAX_STRING, pinoOf, REDACTED, routeConsole } from '../bot/logger';
import { activity, startTestBot } from './helpers/botHttp';
import { startFakeConnector } from './helpers/fakeConnector';

const APP_ID = '11111111-2222-4333-8444-555555555555';
// A JWT-shaped token (header {"alg":"RS256","typ":"JWT"}, issuer nobody trusts): the SDK refuses it
// without fetching any key, so nothing leaves the machine.
const JWT = [
  Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url'),
  Buffer.from('{"iss":"https://issuer.invalid","aud":"x","exp":9999999999}').toString('base64url'),
  'c2lnbmF0dXJlLW5vdC1jaGVja2Vk',
].join('.');
const SECRETS = {
  authorization: `Bearer ${JWT}`,
  token: 'tok-3f9a1c77e2',
  secret: 'client-secret-8d2e61',
  password: 'app-password-51bc0a',
  text: 'my private message 7f3e',
  body: 'raw body 92ab44',
};

/** Every line: ends in one newline, has no other, and parses as one JSON object. */
function parseLines(output: string[]): Record<string, unknown>[] {
  return output.map((line) => {
    expect(line.endsWith('\n'), line).to.equal(true);
    expect(line.slice(0, -1), line).not.to.include('\n');
    const parsed: unknown = JSON.parse(line);
    expect(parsed).to.be.an('object').and.not.an('array');
    return parsed as Record<string, unknown>;
  });
}

function expectNoSecret(output: string[]): void {
  const all = output.join('');
  for (const [name, value] of Object.entries(SECRETS)) expect(all, name).not.to.include(value);
  expect(all).not.to.include(JWT.slice(0, 40));
}

describe('the logger', () => {
  it('writes JSON lines with level, time and message, at and above its level only', () => {
    const output: string[] = [];
    const logger = createLogger('info', (line) => output.push(line));
    logger.debug('not written');
    logger.info('bot listening', { url: 'http://127.0.0.1:3978/api/messages' });
    logger.error('turn failed', { activityId: 'a-1' });
    const lines = parseLines(output);
    expect(lines.map((l) => [l.level, l.msg])).to.deep.equal([
      ['info', 'bot listening'],
      ['error', 'turn failed'],
    ]);
    expect(lines[0]).to.include({ url: 'http://127.0.0.1:3978/api/messages' });
    expect(new Date(String(lines[1]?.time)).getTime()).to.be.closeTo(Date.now(), 60_000);
  });

  it('censors headers, tokens, secrets, passwords and message bodies at any depth; the rest stays', () => {
    const logs = capturedLogger('debug');
    logs.warn('request rejected', {
      activityId: 'act-42',
      tenantId: 'tenant-7',
      status: 401,
      headers: { authorization: SECRETS.authorization, 'content-type': 'application/json' },
      authorization: SECRETS.authorization,
      token: SECRETS.token,
      accessToken: SECRETS.token,
      MICROSOFT_APP_PASSWORD: SECRETS.password,
      clientSecret: SECRETS.secret,
      text: SECRETS.text,
      body: { text: SECRETS.text },
      activity: { id: 'act-42', text: SECRETS.text, value: { note: SECRETS.text }, from: { id: '29:dev' } },
      nested: {
        deeper: {
          request: { headers: { Authorization: SECRETS.authorization } },
          password: SECRETS.password,
        },
      },
      reason: `token refused: ${SECRETS.authorization}`,
      url: `/api/messages?access_token=${SECRETS.token}&page=2`,
    });
    // An SDK error keeps the request it failed on (with the bot's own token) as a field.
    const err = Object.assign(new Error(`Unauthorized ${SECRETS.authorization}`), {
      statusCode: 401,
      request: { headers: { authorization: SECRETS.authorization } },
      rawBody: SECRETS.body,
    });
    pinoOf(logs).error({ err }, 'restify error');
    logs.error('with an error field', { err, secret: SECRETS.secret, cookie: 'sid=1' });

    expectNoSecret(logs.output);
    const [first, second] = parseLines(logs.output);
    expect(first).to.include({
      activityId: 'act-42',
      tenantId: 'tenant-7',
      status: 401,
      msg: 'request rejected',
    });
    expect(first).to.deep.include({
      headers: REDACTED,
      token: REDACTED,
      MICROSOFT_APP_PASSWORD: REDACTED,
      clientSecret: REDACTED,
      text: REDACTED,
      activity: { id: 'act-42', text: REDACTED, value: REDACTED, from: { id: '29:dev' } },
    });
    expect(first?.reason).to.equal(`token refused: ${REDACTED}`);
    expect(first?.url).to.equal(`/api/messages?access_token=${REDACTED}&page=2`);
    expect(second?.err).to.deep.include({
      name: 'Error',
      statusCode: 401,
      message: `Unauthorized ${REDACTED}`,
    });
    expect(second?.err).not.to.have.property('request');
  });

  it('cuts long strings, deep objects, long arrays and the whole line', () => {
    const logs = capturedLogger('debug');
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    logs.warn('x'.repeat(10_000), {
      huge: 'y'.repeat(300_000),
      deep,
      many: Array.from({ length: 10_000 }, (_, i) => i),
      wide: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'z'.repeat(1000)])),
    });
    const [line] = parseLines(logs.output);
    expect(logs.output[0]?.length).to.be.below(12_000);
    expect(String(line?.huge)).to.have.length.below(MAX_STRING + 50);
    expect(String(line?.huge)).to.match(/…\[300000 chars\]$/);
    expect(String(line?.msg)).to.have.length.below(600);
    expect(JSON.stringify(line?.deep)).to.have.length.below(100);
    expect(line?.many).to.have.length.below(30);
  });

  it('reduces a logged request (restify logs `{ req }`) to its method and URL', () => {
    const logs = capturedLogger('debug');
    const req = new http.IncomingMessage(new Socket());
    Object.assign(req, {
      method: 'POST',
      url: '/api/messages',
      headers: { authorization: SECRETS.authorization },
      rawHeaders: ['Authorization', SECRETS.authorization],
      body: { text: SECRETS.text },
    });
    pinoOf(logs).warn({ req }, 'error in formatter');
    expectNoSecret(logs.output);
    expect(parseLines(logs.output)[0]?.req).to.deep.equal({ method: 'POST', url: '/api/messages' });
  });

  it('routes console output and process warnings into the logger, then puts them back', async () => {
    const logs = capturedLogger('debug');
    const restore = routeConsole(logs);
    try {
      console.error('Error finding key for token. Available keys: k1,k2');
      process.emitWarning('something old', 'DeprecationWarning', 'DEP9999');
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      restore();
    }
    const lines = parseLines(logs.output);
    expect(lines.map((l) => [l.level, l.msg])).to.deep.equal([
      ['debug', 'console output'],
      ['warn', 'process warning'],
    ]);
    expect(lines[0]).to.include({
      method: 'error',
      output: 'Error finding key for token. Available keys: k1,k2',
    });
    expect(lines[1]).to.include({ code: 'DEP9999', detail: 'something old' });
    expect(console.error).not.to.equal(undefined);
    expect(process.listeners('warning').length).to.be.above(0);
  });
});

describe('the bot logs over HTTP', function () {
  this.timeout(30_000);

  it('a refused request with an Authorization header and a message leaves neither in the logs; restify logs through the same pino', async () => {
    const bot = await startTestBot(
      {
        MICROSOFT_APP_ID: APP_ID,
        MICROSOFT_APP_PASSWORD: SECRETS.password,
        MICROSOFT_APP_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
      },
      { logger: 'json' },
    );
    const output = bot.logs.output ?? [];
    const restore = routeConsole(bot.logs);
    try {
      // restify logs through the same pino instance.
      expect(bot.app.server.log).to.equal(pinoOf(bot.logs));
      for (const authorization of [SECRETS.authorization, `Basic ${SECRETS.token}`]) {
        const res = await fetch(`${bot.app.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify(activity('member', { type: 'message', text: SECRETS.text })),
        });
        expect(res.status).to.equal(401);
      }
    } finally {
      restore();
      await bot.close();
    }
    expect(bot.logs.lines.filter((l) => l.msg === 'request refused: authentication failed')).to.have.length(
      2,
    );
    parseLines(output);
    expectNoSecret(output);
  });

  it('turns that log (a reply the connector never answers, a 20,000-deep body) log no text and stay bounded', async () => {
    const fake = await startFakeConnector();
    const bot = await startTestBot({ REPLY_TIMEOUT_MS: '300' }, { logger: 'json' });
    const output = bot.logs.output ?? [];
    try {
      fake.hang('a:log-hang');
      const hung = await bot.post({
        ...activity('member', { type: 'message', text: SECRETS.text }, { conversationId: 'a:log-hang' }),
        deliveryMode: 'normal',
        serviceUrl: fake.url,
      });
      expect(hung.status).to.equal(200);

      let deep = '{}';
      for (let i = 0; i < 20_000; i++) deep = `{"a":${deep}}`;
      const body = JSON.stringify(activity('member', { type: 'message', text: SECRETS.text })).replace(
        '"from":{',
        `"from":{"x":${deep},`,
      );
      const res = await fetch(`${bot.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: '' },
        body,
      });
      expect(res.status).to.be.within(200, 599); // what it answers is the edge's business; the logs are this test's
      const health = await fetch(`${bot.app.url}/healthz`);
      expect(health.status).to.equal(200);
    } finally {
      await bot.close();
      await fake.close();
    }
    const lines = parseLines(output);
    expect(lines.some((l) => l.level === 'debug' && l.msg === 'understood')).to.equal(true); // the turn ran
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warn').length).to.be.above(0);
    for (const line of output) expect(line.length, line.slice(0, 200)).to.be.below(12_000);
    expectNoSecret(output);
  });
});
