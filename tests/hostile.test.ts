/**
 * Hostile traffic against the bot over real HTTP in its production configuration (app id and
 * secret set, tokens checked against a local OpenID configuration and JWKS): forged tokens,
 * compressed bombs, lying and slow requests, wrong shapes. Each is refused with the right
 * status, cheaply, with one warn line and no error line, and the bot goes on serving.
 */
import { expect } from 'chai';
import net from 'node:net';
import zlib from 'node:zlib';
import { loadConfig } from '../services/config';
import { activity, startTestBot, type TestBot } from './helpers/botHttp';
import {
  publicPem,
  signHmac,
  signToken,
  startOpenIdServer,
  tamper,
  unsigned,
  type OpenIdServer,
} from './helpers/openIdServer';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const SERVICE_URL = 'http://127.0.0.1:9/'; // what activity() puts on every activity
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;

describe('hostile traffic, production configuration', function () {
  this.timeout(60_000);
  let openId: OpenIdServer;
  let bot: TestBot;
  let good: string;

  before(async () => {
    openId = await startOpenIdServer();
    bot = await startTestBot(
      {
        NODE_ENV: 'production',
        MICROSOFT_APP_ID: APP_ID,
        MICROSOFT_APP_PASSWORD: 'offline-test-secret',
        MICROSOFT_APP_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
        SERVICE_URL_HOSTS: '127.0.0.1',
        ALERTS_ENABLED: 'false',
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      },
      { adapter: { authOverrides: openId.authOverrides } },
    );
    good = signToken(openId.keys.teams, { aud: APP_ID, serviceurl: SERVICE_URL });
  });
  after(async () => {
    await bot?.close();
    await openId?.close();
  });
  afterEach(async () => {
    const health = await fetch(`${bot.app.url}/healthz`);
    expect(health.status, 'the bot still serves /healthz').to.equal(200);
    expect(errorLines(), 'no error-level log line').to.deep.equal([]);
  });

  const errorLines = () => bot.logs.lines.filter((l) => l.level === 'error');
  const warnCount = (msg: string) => bot.logs.lines.filter((l) => l.level === 'warn' && l.msg === msg).length;

  async function post(
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${bot.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${good}`, ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* kept as text */
    }
    return { status: res.status, json };
  }
  const message = (extra: Record<string, unknown> = {}) =>
    JSON.stringify(
      activity('member', { type: 'message', text: 'how many incidents do we have left', ...extra }),
    );

  it('a correctly signed Teams token is served (the control for every refusal below)', async () => {
    const res = await post(message());
    expect(res.status).to.equal(200);
    expect(JSON.stringify(res.json)).to.contain('AdaptiveCard');
  });

  it('every forged, expired or misdirected token is a 401 with a generic body and one warn line', async () => {
    const claims = { aud: APP_ID, serviceurl: SERVICE_URL };
    const now = Math.floor(Date.now() / 1000);
    const forged: Record<string, string> = {
      'no header': '',
      'not a bearer token': 'Basic dXNlcjpwYXNz',
      'bearer garbage': 'Bearer not.a.jwt',
      'alg none with a real kid': `Bearer ${unsigned(openId.keys.teams.kid, claims)}`,
      'signed by another key with the same kid': `Bearer ${signToken(openId.rogue, claims)}`,
      'HS256 with the RSA public key as secret': `Bearer ${signHmac(openId.keys.teams.kid, publicPem(openId.keys.teams), claims)}`,
      'payload changed after signing': `Bearer ${tamper(good, { aud: '99999999-2222-4333-8444-555555555555' })}`,
      'nbf in the future': `Bearer ${signToken(openId.keys.teams, { ...claims, nbf: now + 3600 })}`,
      expired: `Bearer ${signToken(openId.keys.teams, { ...claims, exp: now - 600, nbf: now - 7200, iat: now - 7200 })}`,
      'wrong audience': `Bearer ${signToken(openId.keys.teams, { ...claims, aud: '99999999-2222-4333-8444-555555555555' })}`,
      'wrong issuer': `Bearer ${signToken(openId.keys.teams, { ...claims, iss: 'https://evil.example' })}`,
      'unknown kid': `Bearer ${signToken(openId.keys.teams, claims, { kid: 'no-such-key' })}`,
      'Direct Line key (another channel of the registration)': `Bearer ${signToken(openId.keys.directline, claims)}`,
      'no serviceurl claim': `Bearer ${signToken(openId.keys.teams, { aud: APP_ID })}`,
      'serviceurl of a host the bot does not serve': `Bearer ${signToken(openId.keys.teams, { aud: APP_ID, serviceurl: 'http://10.0.0.1/' })}`,
    };
    for (const [kind, authorization] of Object.entries(forged)) {
      const before = warnCount('request refused: authentication failed');
      const res = await post(message(), { authorization });
      expect(res.status, kind).to.equal(401);
      expect(res.json, kind).to.deep.equal({ error: 'Unauthorized' });
      expect(warnCount('request refused: authentication failed') - before, kind).to.equal(1);
    }
    // A valid token whose serviceurl is not the activity's: the body cannot move where replies go.
    const other = signToken(openId.keys.teams, { aud: APP_ID, serviceurl: 'http://127.0.0.1:10/' });
    expect((await post(message(), { authorization: `Bearer ${other}` })).status).to.equal(401);
    // No line carries a token.
    expect(JSON.stringify(bot.logs.lines)).not.to.contain(good.split('.')[2]);
  });

  it('an activity from another channel is a 403, even with a valid token', async () => {
    const res = await post(message({ channelId: 'directline' }));
    expect(res.status).to.equal(403);
    expect(res.json).to.deep.equal({ error: 'Forbidden' });
  });

  it('the token is checked before the body is inflated or parsed', async () => {
    const bomb = await gzipBomb(64);
    const res = await post(bomb, { 'content-encoding': 'gzip', authorization: '' });
    expect(res.status).to.equal(401);
    const notJson = await post('{{{{', { authorization: '' });
    expect(notJson.status).to.equal(401);
  });

  it('corrupt gzip is a 400 and gzip bombs a 413, with memory growth under 50 MB', async () => {
    const corrupt = await post(Buffer.from('this is not gzip at all'), { 'content-encoding': 'gzip' });
    expect(corrupt.status).to.equal(400);
    const truncated = zlib.gzipSync(Buffer.from(message())).subarray(0, 40);
    expect((await post(truncated, { 'content-encoding': 'gzip' })).status).to.equal(400);

    const bomb = await gzipBomb(200); // about 200 KB that inflates to 200 MB
    expect(bomb.length).to.be.below(256 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const results = await Promise.all([1, 2, 3, 4].map(() => post(bomb, { 'content-encoding': 'gzip' })));
    const growth = process.memoryUsage().rss - rssBefore;
    expect(results.map((r) => r.status)).to.deep.equal([413, 413, 413, 413]);
    expect(growth, `RSS grew by ${Math.round(growth / 1e6)} MB`).to.be.below(50 * 1024 * 1024);
    console.log(
      `      RSS growth for 4 concurrent 200 MB gzip bombs: ${(growth / 1024 / 1024).toFixed(1)} MB`,
    );

    // Compressed bodies within the cap are accepted (gzip, deflate, br).
    const plain = Buffer.from(message());
    expect((await post(zlib.gzipSync(plain), { 'content-encoding': 'gzip' })).status).to.equal(200);
    expect((await post(zlib.deflateSync(plain), { 'content-encoding': 'deflate' })).status).to.equal(200);
    expect((await post(zlib.brotliCompressSync(plain), { 'content-encoding': 'br' })).status).to.equal(200);
  });

  it('unsupported encodings and content types are a 415; bodies over the cap a 413', async () => {
    expect((await post(message(), { 'content-encoding': 'compress' })).status).to.equal(415);
    expect((await post(message(), { 'content-encoding': 'gzip, gzip' })).status).to.equal(415);
    expect((await post(message(), { 'content-type': 'text/plain' })).status).to.equal(415);
    expect((await post(message(), { 'content-type': 'application/json; charset=latin1' })).status).to.equal(
      415,
    );
    const big = message({ text: 'x'.repeat(300 * 1024) });
    expect((await post(big)).status).to.equal(413);
  });

  it('a body shorter than its Content-Length, and slow bodies and headers, are answered within the timeouts', async () => {
    const port = Number(new URL(bot.app.url).port);
    const body = message();
    const lying = await rawRequest(port, (s) => {
      s.write(
        `POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${good}\r\nContent-Length: ${body.length + 500}\r\n\r\n${body}`,
      );
    });
    expect(lying.status).to.equal(408);
    expect(lying.ms).to.be.below(REQUEST_TIMEOUT_MS + 1500);

    const slowBody = await rawRequest(port, (s) => {
      s.write(
        `POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${good}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      let i = 0;
      const timer = setInterval(
        () => (i < body.length && !s.destroyed ? s.write(body[i++]) : clearInterval(timer)),
        100,
      );
      s.on('close', () => clearInterval(timer));
    });
    expect(slowBody.status).to.equal(408);
    expect(slowBody.ms).to.be.below(REQUEST_TIMEOUT_MS + 1500);

    const slowHeaders = await rawRequest(port, (s) => {
      s.write('POST /api/messages HTTP/1.1\r\nHost: x\r\n');
      let i = 0;
      const timer = setInterval(
        () => (!s.destroyed ? s.write(`X-Trickle-${i++}: 1\r\n`) : clearInterval(timer)),
        100,
      );
      s.on('close', () => clearInterval(timer));
    });
    expect(slowHeaders.status).to.equal(408);
    expect(slowHeaders.ms).to.be.below(HEADERS_TIMEOUT_MS + 1500);
  });

  it('deep JSON, wrong types, missing fields and prototype verbs are a 400 with a warn line, never a TypeError', async () => {
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const base = JSON.parse(message()) as Record<string, unknown>;
    const without = (field: string) => {
      const copy: Record<string, unknown> = { ...base };
      delete copy[field];
      return JSON.stringify(copy);
    };
    const invoke = (action: unknown) =>
      JSON.stringify({
        ...base,
        type: 'invoke',
        name: 'adaptiveCard/action',
        text: undefined,
        value: { action },
      });
    const bad: Record<string, string> = {
      'deep object in from': JSON.stringify(base).replace('"from":{', `"from":{"deep":${deep(20_000)},`),
      'deep array in conversation': JSON.stringify(base).replace(
        '"conversation":{',
        `"conversation":{"x":${'['.repeat(20_000)}${']'.repeat(20_000)},`,
      ),
      'serviceUrl a number': JSON.stringify({ ...base, serviceUrl: 42 }),
      'text a number': JSON.stringify({ ...base, text: 42 }),
      'text an object': JSON.stringify({ ...base, text: { toString: 'x' } }),
      'from missing': without('from'),
      'recipient missing': without('recipient'),
      'conversation missing': without('conversation'),
      'timestamp not a date': JSON.stringify({ ...base, timestamp: 'yesterday-ish' }),
      'tenant id an object': JSON.stringify({ ...base, channelData: { tenant: { id: { $ne: 1 } } } }),
      'mention without mentioned': JSON.stringify({
        ...base,
        entities: [{ type: 'mention', text: '<at>x</at>' }],
      }),
      'verb __proto__': invoke({ type: 'Action.Execute', verb: '__proto__', data: {} }),
      'verb a number': invoke({ type: 'Action.Execute', verb: 7, data: {} }),
      'action a string': invoke('benefits.show'),
      'the proactive ContinueConversation event from outside': JSON.stringify({
        ...base,
        type: 'event',
        name: 'ContinueConversation',
      }),
      'Action.Submit verb __proto__': JSON.stringify({ ...base, value: { verb: '__proto__' } }),
      'not JSON': '{"type":"message",',
      'an array': '[1,2]',
    };
    for (const [kind, body] of Object.entries(bad)) {
      const before = warnCount('activity rejected') + warnCount('request rejected');
      const res = await post(body);
      expect(res.status, kind).to.equal(400);
      expect(warnCount('activity rejected') + warnCount('request rejected') - before, kind).to.equal(1);
    }
  });

  it('a flood of refused requests writes a bounded number of log lines', async () => {
    const before = bot.logs.lines.length;
    for (let i = 0; i < 200; i++) await post(message(), { authorization: 'Bearer x.y.z' });
    const written = bot.logs.lines.length - before;
    expect(written).to.be.at.most(25);
  });
});

/** gzip of `mb` megabytes of zeros, built a megabyte at a time so the test itself stays small. */
async function gzipBomb(mb: number): Promise<Buffer> {
  const gzip = zlib.createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mb; i++) if (!gzip.write(zeros)) await new Promise((r) => gzip.once('drain', r));
  await new Promise((r) => gzip.end(r));
  return Buffer.concat(out);
}

/** Opens a socket, lets `send` write to it, and waits for the status line (or the close). */
function rawRequest(port: number, send: (s: net.Socket) => void): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => send(socket));
    let seen = '';
    socket.on('data', (d) => {
      seen += d.toString();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(seen);
      if (m) {
        resolve({ status: Number(m[1]), ms: Date.now() - started });
        socket.destroy();
      }
    });
    socket.on('close', () => resolve({ status: 0, ms: Date.now() - started }));
    socket.on('error', () => undefined);
  });
}

describe('safe defaults with authentication off (local use)', function () {
  this.timeout(30_000);

  it('listens on loopback unless HOST says otherwise; with an app id, on every interface', () => {
    expect(loadConfig({}).host).to.equal('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).to.equal('0.0.0.0');
    expect(
      loadConfig({
        MICROSOFT_APP_ID: APP_ID,
        MICROSOFT_APP_PASSWORD: 's',
        MICROSOFT_APP_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
      }).host,
    ).to.equal('0.0.0.0');
  });

  it('says so at start, and refuses activities whose replies would leave the machine (403)', async () => {
    const bot = await startTestBot({ ALERTS_ENABLED: 'false', HOST: '' });
    try {
      expect(
        bot.logs.lines.some(
          (l) => l.level === 'warn' && /authentication is off: listening on loopback/.test(l.msg),
        ),
      ).to.equal(true);
      for (const serviceUrl of [
        'http://10.0.0.1/',
        'https://smba.trafficmanager.net/amer/',
        'http://169.254.169.254/',
      ]) {
        const res = await bot.post(
          activity('member', { type: 'message', text: 'help', serviceUrl, deliveryMode: 'normal' }),
        );
        expect(res.status, serviceUrl).to.equal(403);
      }
      const ok = await bot.post(activity('member', { type: 'message', text: 'help' }));
      expect(ok.status).to.equal(200);
    } finally {
      await bot.close();
    }
  });

  it('closes connections beyond MAX_CONNECTIONS at once, and serves again when they go', async () => {
    const bot = await startTestBot({ ALERTS_ENABLED: 'false', MAX_CONNECTIONS: '5' });
    const port = Number(new URL(bot.app.url).port);
    const open = (): Promise<net.Socket> =>
      new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => undefined);
      });
    try {
      const held = await Promise.all([1, 2, 3, 4, 5].map(open));
      const extra = await open();
      const closedAt = await new Promise<number>((resolve) => {
        const started = Date.now();
        extra.on('close', () => resolve(Date.now() - started));
        extra.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      expect(closedAt).to.be.below(1000);
      held.forEach((s) => s.destroy());
      await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`${bot.app.url}/healthz`)).status).to.equal(200);
    } finally {
      await bot.close();
    }
  });
});
