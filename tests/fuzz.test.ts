/**
 * A seeded fuzz of the bot as its own process: at least 10,000 activities and card actions,
 * built from the shapes Teams sends and then mutated (fields removed or given other types,
 * prototype keys, deep nesting, truncated JSON, compressed and corrupt bodies, wrong headers).
 * The process never exits, never answers 500, the database stays intact, and no quota is
 * ever over its total (R11, R14).
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ALL_VERBS } from '../cards/verbs';
import { PROJECT_ROOT } from '../services/config';
import { DEMO_TENANT, DEMO_USERS } from './helpers/botHttp';
import { startBotProcess, type BotProcess } from './helpers/botProcess';
import { startFakeConnector, type FakeConnector } from './helpers/fakeConnector';
import { tempDbPath } from './helpers/fixtures';

const SEED = 20261129;
const REQUESTS = 10_000;
const CONCURRENCY = 16;

/** Resident memory of a process in KiB, from /proc (Linux). */
function rssOf(pid: number | undefined): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** mulberry32: small, fast, and the same sequence on every machine for one seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const TEXTS = [
  'how many incidents do we have left',
  'benefits',
  'activate',
  'open an incident',
  'my incidents',
  'help',
  'cancel',
  'alert settings',
  'mute alerts',
  'send alerts here',
  'close incident INC-1',
  '我们还剩多少支持事件',
  '激活',
  '提交支持事件',
  '',
  ' ',
  '<at>Partner Support</at> benefits',
  '\u0000\u0001\u202e',
  '🙂'.repeat(500),
  'x'.repeat(5000),
  'Stop error 0x0000007B',
  'a@b.c',
  '+1 555 0100',
  'A',
  'yes',
  'no',
  '{{$root.secret}}',
  '${process.env}',
];
const KINDS = ['onPremises', 'cloud', 'cspAzure', 'bogus', '', '__proto__'];
const BENEFIT_IDS = [
  'action-pack.productSupport',
  'gold-cloud-platform.signatureCloudSupport',
  'gold-cloud-platform.productSupport',
  'silver-data-analytics.productSupport',
  'nope',
  '',
  '../../etc/passwd',
];
const LOCALES = ['en-US', 'zh-CN', 'zh-TW', 'fr-FR', '', 'xx', 'en-US-u-ca-buddhist'];

function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 3 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return r.int(2) === 0;
    case 2:
      return r.pick([0, -1, 1e308, Number.MAX_SAFE_INTEGER, 3.14]);
    case 3:
      return r.pick(TEXTS);
    case 4:
      return 'z'.repeat(r.int(3000));
    case 5:
      return r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']);
    case 6:
      return [randomValue(r, depth + 1), randomValue(r, depth + 1)];
    case 7:
      return { [r.pick(['__proto__', 'id', 'constructor', 'a'])]: randomValue(r, depth + 1) };
    default:
      return { id: randomValue(r, depth + 1), name: randomValue(r, depth + 1) };
  }
}

/** A Teams-shaped activity from a demo person, a stranger of the demo tenant, or another tenant. */
function base(r: Rng, i: number, serviceUrl: string): Record<string, unknown> {
  const users = Object.values(DEMO_USERS);
  const who = r.chance(0.8)
    ? r.pick(users)
    : {
        id: `29:stranger-${r.int(50)}`,
        name: 'Stranger',
        aadObjectId: `00000000-0000-4000-9000-${String(r.int(1e6)).padStart(12, '0')}`,
      };
  const tenantId = r.chance(0.85)
    ? DEMO_TENANT
    : `aaaaaaaa-0000-4000-8000-${String(r.int(1e6)).padStart(12, '0')}`;
  const conversationType = r.pick(['personal', 'personal', 'personal', 'channel', 'groupChat']);
  return {
    id: `fuzz-${i}`,
    channelId: 'msteams',
    serviceUrl, // a local Bot Connector: an activity whose deliveryMode is mutated away is answered there
    timestamp: new Date().toISOString(),
    locale: r.pick(LOCALES),
    from: { ...who },
    recipient: { id: '28:partner-support-bot', name: 'Partner Support' },
    conversation: {
      id: `a:fuzz-${conversationType}-${who.id}`,
      conversationType,
      tenantId,
    },
    channelData: { tenant: { id: tenantId } },
    deliveryMode: 'expectReplies',
  };
}

function cardData(r: Rng): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (r.chance(0.6)) data.benefitId = r.pick(BENEFIT_IDS);
  if (r.chance(0.4)) data.idempotencyKey = r.chance(0.5) ? `k-${r.int(20)}` : randomValue(r);
  if (r.chance(0.3)) data.kind = r.pick(KINDS);
  if (r.chance(0.2)) data.incidentId = r.chance(0.5) ? `INC-${r.int(5)}` : randomValue(r);
  if (r.chance(0.2)) data.accessId = r.pick(['A-1', '', 'x'.repeat(300)]);
  if (r.chance(0.2)) data.contractId = r.pick(['C-1', '', '<script>']);
  if (r.chance(0.2)) data.thresholds = r.pick(['5,2,0', 'a,b', '', '-1', '999999']);
  if (r.chance(0.2)) data.pendingReminderDays = randomValue(r);
  return data;
}

function activityFor(r: Rng, i: number, serviceUrl: string): Record<string, unknown> {
  const a = base(r, i, serviceUrl);
  const verb = r.chance(0.9) ? r.pick(ALL_VERBS) : r.pick(['constructor', 'toString', 'nope.verb', 'x']);
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return { ...a, type: 'message', text: r.pick(TEXTS) };
    case 4:
    case 5:
      return {
        ...a,
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data: cardData(r) } },
      };
    case 6:
      return { ...a, type: 'message', value: { verb, ...cardData(r) } };
    case 7:
      return {
        ...a,
        type: 'conversationUpdate',
        membersAdded: [{ id: r.chance(0.7) ? '28:partner-support-bot' : '29:someone' }],
      };
    case 8:
      return { ...a, type: 'installationUpdate', action: r.pick(['add', 'remove', 'bogus']) };
    default:
      return {
        ...a,
        type: r.pick(['typing', 'messageReaction', 'event', 'invoke', 'endOfConversation', 'x']),
        name: r.pick(['', 'signin/verifyState', 'task/fetch']),
      };
  }
}

/** Zero to three mutations of the object: a field removed, replaced, or nested deep. */
function mutate(r: Rng, a: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(a);
  for (let n = r.int(4); n > 0; n--) {
    const keys = Object.keys(out);
    const key = r.pick(keys);
    const target =
      r.chance(0.4) && typeof out[key] === 'object' && out[key] !== null
        ? (out[key] as Record<string, unknown>)
        : out;
    const field = r.pick(Object.keys(target).concat(['__proto__', 'extra']));
    switch (r.int(4)) {
      case 0:
        delete target[field];
        break;
      case 1:
        target[field] = randomValue(r);
        break;
      case 2:
        Object.defineProperty(target, field, {
          value: randomValue(r),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        break;
      default: {
        let deep: unknown = 1;
        for (let d = r.int(200); d > 0; d--) deep = { d: deep };
        target[field] = deep;
      }
    }
  }
  return out;
}

interface Request {
  body: Buffer;
  headers: Record<string, string>;
}

function encode(r: Rng, activity: Record<string, unknown>): Request {
  let text = JSON.stringify(activity);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (r.chance(0.05)) text = text.slice(0, r.int(text.length)); // truncated
  if (r.chance(0.02)) text = text.replace('"type"', '"type":"message","type"'); // duplicate keys
  let body = Buffer.from(text);
  if (r.chance(0.02)) body = Buffer.from(Array.from({ length: r.int(400) }, () => r.int(256))); // noise
  const roll = r.next();
  if (roll < 0.08) {
    body = zlib.gzipSync(body);
    headers['content-encoding'] = 'gzip';
  } else if (roll < 0.11) {
    body = zlib.deflateSync(body);
    headers['content-encoding'] = 'deflate';
  } else if (roll < 0.13) {
    headers['content-encoding'] = 'gzip'; // says gzip, is not
  } else if (roll < 0.14) {
    body = zlib.gzipSync(body).subarray(0, 20); // truncated gzip
    headers['content-encoding'] = 'gzip';
  } else if (roll < 0.15) {
    headers['content-encoding'] = r.pick(['compress', 'zstd', 'gzip, br', 'identity']);
  }
  if (r.chance(0.03))
    headers['content-type'] = r.pick([
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      '',
    ]);
  return { body, headers };
}

describe('a seeded fuzz of the bot process', function () {
  this.timeout(240_000);
  let bot: BotProcess;
  let connector: FakeConnector;
  const database = tempDbPath();

  before(async () => {
    // Teams' rate limits are another suite's subject: here every reply is accepted.
    connector = await startFakeConnector({ tenantRatePerSecond: 1e6, conversationWindows: [] });
    bot = await startBotProcess({
      NODE_ENV: 'development',
      DATABASE_PATH: database,
      SEED_ORGANISATION: path.join(PROJECT_ROOT, 'examples/demo-org.json'),
      ALERTS_ENABLED: 'false',
      // Six people sending hundreds of turns a second is a flood the limits would cut short;
      // here every turn should reach the bot's logic (the limits have their own suite).
      TURN_LIMITS: 'off',
    });
  });
  after(async () => {
    await bot?.stop();
    await connector?.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(database + suffix, { force: true });
  });

  it(`${REQUESTS} mutated activities: no exit, no 500, an intact database, no quota over its total`, async () => {
    const r = prng(SEED);
    const requests: Request[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const a = activityFor(r, i, `${connector.url}/`);
      requests.push(encode(r, r.chance(0.6) ? mutate(r, a) : a));
    }
    const rssSamples: number[] = []; // KiB, every 1,000 requests
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length && !bot.exited) {
        const index = next++;
        if (index % 1000 === 0) rssSamples.push(rssOf(bot.child.pid));
        const { body, headers } = requests[index];
        const res = await fetch(`${bot.url}/api/messages`, {
          method: 'POST',
          headers,
          body: new Uint8Array(body),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const summary = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    rssSamples.push(rssOf(bot.child.pid));
    console.log(`      statuses: ${JSON.stringify(summary)}`);
    console.log(
      `      bot process RSS (MB) every 1,000 requests: ${rssSamples.map((k) => Math.round(k / 1024)).join(' ')}`,
    );

    // A cap, not a leak test: caches (bounded) and the V8 heap fill as the run goes. With npm
    // start's 128 MB heap cap the process stays at about 210 MB on Node 20 and 22 (it reached about
    // 400 MB before the prompts' recognizers were limited to English and Chinese). A request that
    // inflated or buffered its body unbounded would go over it.
    expect(Math.max(...rssSamples) / 1024, 'the bot process RSS, MB').to.be.below(512);
    expect(bot.exited, 'the process is still running').to.equal(null);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).to.equal(REQUESTS);
    expect(statuses.get(500) ?? 0, 'answers of 500').to.equal(0);
    expect(statuses.get(200) ?? 0, 'most well-formed activities are served').to.be.above(REQUESTS / 4);
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);

    const db = new Database(database, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
      const over = db
        .prepare(
          `SELECT b.id, b.total, b.used, (SELECT count(*) FROM incidents i WHERE i.tenant_id = b.tenant_id AND i.benefit_id = b.id) AS opened
           FROM benefits b WHERE b.total IS NOT NULL AND (b.used > b.total OR opened > b.total)`,
        )
        .all();
      expect(over, 'benefits over their quota (R11, R14)').to.deep.equal([]);
    } finally {
      db.close();
    }
    const notJson = bot.lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson.slice(0, 3), 'lines on stdout or stderr that are not JSON').to.deep.equal([]);
    const errors = bot.lines.filter((l) => l.includes('"level":"error"') || l.includes('"level":50'));
    expect(errors.slice(0, 3), 'error-level log lines').to.deep.equal([]);
  });
});
