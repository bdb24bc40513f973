/**
 * Acknowledged incidents survive a crash: the real bot runs as a child process
 * (`node dist/bot/index.js`), many incident confirmations arrive at once over HTTP, and the
 * process is killed with SIGKILL while some are still in flight. After each restart on the
 * same SQLite file, every confirmation that was answered with an incident is there exactly
 * once, a repeated confirmation gets that same incident back, and no quota is over its total
 * (R11, R14). Power loss itself cannot be simulated here; `synchronous = FULL` (checked below)
 * is what extends the same guarantee to it.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { VERBS } from '../cards';
import type { Benefit, Incident } from '../services/domain/types';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { activity, DEMO_TENANT, type BotActivity, type DemoUser } from './helpers/botHttp';
import { tempDbPath } from './helpers/fixtures';

const BOT = path.join(__dirname, '..', 'bot', 'index.js');
const ROOT = path.resolve(__dirname, '../..');
const INCIDENT_ID = /INC-[A-Z0-9]{8}/;

/** People of the demo organisation who may open incidents; several, so no one person sends everything. */
const PEOPLE: DemoUser[] = ['globalAdmin', 'partnerAdmin', 'member', 'supportLead'];
const DRAFTS_PER_PERSON = 6; // half on-premises (9 incidents left in the demo, R11), half cloud (unlimited)

interface Draft {
  user: DemoUser;
  conversationId: string;
  key: string;
  kind: 'onPremises' | 'cloud';
}

/** A free loopback port: bind to port 0, read it, let it go (the bot binds it a moment later). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

class BotProcess {
  private output = '';
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(databasePath: string): Promise<BotProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [BOT], {
      // Only what the bot needs: nothing from the caller's environment (an app id, a proxy) leaks in.
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_PATH: databasePath,
        SEED_ORGANISATION: path.join(ROOT, 'examples/demo-org.json'),
        ALERTS_ENABLED: 'false',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bot = new BotProcess(child, `http://127.0.0.1:${port}`);
    child.stdout?.on('data', (d: Buffer) => (bot.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (bot.output += d.toString()));
    await bot.waitUntilHealthy();
    return bot;
  }

  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`the bot exited at start:\n${this.output}`);
      const healthy = await fetch(`${this.url}/healthz`).then(
        (r) => r.status === 200,
        () => false, // not listening yet
      );
      if (healthy) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the bot was not healthy within 15 s:\n${this.output}`);
  }

  async post(a: Record<string, unknown>): Promise<BotActivity[]> {
    const res = await fetch(`${this.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(a),
    });
    const body = (await res.json()) as { activities?: BotActivity[] };
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
    return body.activities ?? [];
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** A clean stop, so that the test leaves no process behind. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }

  get log(): string {
    return this.output;
  }
}

/** Walks the incident dialog to its review card and returns the confirmation's idempotency key. */
async function makeDraft(bot: BotProcess, user: DemoUser, conversationId: string, kind: Draft['kind']) {
  const answers =
    kind === 'onPremises'
      ? ['open an incident', 'On-premises product', 'SQL Server 2022']
      : ['open an incident', 'Cloud product', 'Azure Kubernetes Service'];
  answers.push(
    'Availability group fails over',
    'Secondary replica goes offline every night at 02:00 with error 35250.',
    'B',
    'yes',
    'skip',
  );
  let last: BotActivity[] = [];
  for (const text of answers)
    last = await bot.post(activity(user, { type: 'message', text }, { conversationId }));
  const key = /"verb":"incident\.confirm"[^}]*?"idempotencyKey":"([^"]+)"/.exec(JSON.stringify(last))?.[1];
  if (!key)
    throw new Error(`no confirmation card for ${user} (${kind}): ${JSON.stringify(last).slice(0, 400)}`);
  return key;
}

type Outcome = { acknowledged: string } | { refused: true } | { cutOff: true };

async function confirm(bot: BotProcess, d: Draft): Promise<Outcome> {
  try {
    const replies = await bot.post(
      activity(
        d.user,
        {
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: {
            action: { type: 'Action.Execute', verb: VERBS.confirmIncident, data: { idempotencyKey: d.key } },
          },
        },
        { conversationId: d.conversationId },
      ),
    );
    const card = JSON.stringify(replies.find((a) => a.type === 'invokeResponse')?.value ?? null);
    const id = INCIDENT_ID.exec(card)?.[0];
    return id ? { acknowledged: id } : { refused: true };
  } catch {
    return { cutOff: true }; // the connection died with the process: not acknowledged
  }
}

/**
 * Sends every confirmation at once; with killAfter, SIGKILLs the bot as soon as that many have
 * been acknowledged, while the others are still outstanding.
 */
async function burst(bot: BotProcess, drafts: Draft[], killAfter?: number) {
  let acknowledged = 0;
  let killing: Promise<void> | undefined;
  let outstandingAtKill = 0;
  let settled = 0;
  const outcomes = await Promise.all(
    drafts.map(async (d) => {
      const outcome = await confirm(bot, d);
      settled++;
      if ('acknowledged' in outcome && ++acknowledged === killAfter) {
        outstandingAtKill = drafts.length - settled;
        killing = bot.kill();
      }
      return outcome;
    }),
  );
  await killing;
  return { outcomes, outstandingAtKill };
}

interface Snapshot {
  incidents: Incident[];
  benefits: Benefit[];
  integrity: string;
}

async function snapshot(dbPath: string): Promise<Snapshot> {
  const store = SqliteStore.open(dbPath);
  try {
    return {
      incidents: await store.read((tx) => tx.incidents.list(DEMO_TENANT)),
      benefits: await store.read((tx) => tx.benefits.list(DEMO_TENANT)),
      integrity: String(store.db.pragma('integrity_check', { simple: true })),
    };
  } finally {
    await store.close();
  }
}

describe('durability: kill -9 during concurrent incident confirmations', function () {
  this.timeout(60_000);
  const running: BotProcess[] = [];
  after(async () => {
    for (const bot of running) await bot.stop();
  });

  it('the store commits with synchronous = FULL (an acknowledged commit survives power loss)', async () => {
    const store = SqliteStore.open(tempDbPath());
    try {
      expect(store.db.pragma('journal_mode', { simple: true })).to.equal('wal');
      expect(store.db.pragma('synchronous', { simple: true })).to.equal(2); // 2 = FULL
    } finally {
      await store.close();
    }
  });

  it('two kill rounds: every acknowledged incident is there once after restart, repeats get it back, no quota over its total (R11, R14)', async () => {
    const dbPath = tempDbPath();
    const start = async () => {
      const bot = await BotProcess.start(dbPath);
      running.push(bot);
      return bot;
    };
    let bot = await start();

    const drafts: Draft[] = [];
    await Promise.all(
      PEOPLE.map(async (user) => {
        for (let n = 0; n < DRAFTS_PER_PERSON; n++) {
          const kind = n % 2 === 0 ? 'onPremises' : 'cloud';
          const conversationId = `a:durability-${user}-${n}`;
          drafts.push({ user, conversationId, kind, key: await makeDraft(bot, user, conversationId, kind) });
        }
      }),
    );
    const before = await snapshot(dbPath);
    const usedBefore = new Map(before.benefits.map((b) => [b.id, b.used]));
    const ours = new Set(drafts.map((d) => d.key));
    const acknowledged = new Map<string, string>(); // idempotency key → incident id the person was shown

    const check = async (label: string) => {
      const now = await snapshot(dbPath);
      expect(now.integrity, label).to.equal('ok');
      const mine = now.incidents.filter((i) => ours.has(i.idempotencyKey));
      expect(new Set(mine.map((i) => i.idempotencyKey)).size, `${label}: no key doubled`).to.equal(
        mine.length,
      );
      expect(now.incidents.length - before.incidents.length, `${label}: no other incident`).to.equal(
        mine.length,
      );
      for (const [key, id] of acknowledged) {
        const found = mine.filter((i) => i.idempotencyKey === key);
        expect(
          found.map((i) => i.id),
          `${label}: acknowledged ${id} is there once`,
        ).to.deep.equal([id]);
      }
      for (const b of now.benefits) {
        if (b.total !== null) expect(b.used, `${label}: ${b.id} within its total`).to.be.at.most(b.total);
        const opened = mine.filter((i) => i.benefitId === b.id).length;
        expect(b.used - (usedBefore.get(b.id) ?? 0), `${label}: ${b.id} consumed once per incident`).to.equal(
          opened,
        );
      }
      return mine;
    };
    const record = (outcomes: Outcome[]) =>
      outcomes.forEach((o, n) => {
        if (!('acknowledged' in o)) return;
        const earlier = acknowledged.get(drafts[n].key);
        expect(earlier ?? o.acknowledged, `key ${drafts[n].key} answered with one incident`).to.equal(
          o.acknowledged,
        );
        acknowledged.set(drafts[n].key, o.acknowledged);
      });

    // Two rounds: kill after a third, then after half of the answers; every round resends all.
    for (const killAfter of [Math.ceil(drafts.length / 3), Math.ceil(drafts.length / 2)]) {
      const { outcomes, outstandingAtKill } = await burst(bot, drafts, killAfter);
      expect(outstandingAtKill, 'confirmations still in flight when killed').to.be.greaterThan(0);
      record(outcomes);
      await check(`after the kill at ${killAfter} answers`);
      bot = await start();
    }

    // The last round completes: everything is answered, repeats give the first incident back.
    const { outcomes } = await burst(bot, drafts);
    expect(outcomes.filter((o) => 'cutOff' in o)).to.have.length(0);
    record(outcomes);
    const mine = await check('at the end');
    expect(mine.map((i) => i.idempotencyKey).sort()).to.deep.equal([...acknowledged.keys()].sort());
    // Every cloud draft was opened (unlimited, R11); on-premises ones until both quotas ran out (R14).
    const cloud = drafts.filter((d) => d.kind === 'cloud');
    expect(cloud.every((d) => acknowledged.has(d.key))).to.equal(true);
    const onPremises = mine.filter((i) => i.kind === 'onPremises');
    const onPremisesLeft = before.benefits
      .filter((b) => b.type === 'productSupport' && b.total !== null && b.activation.state === 'active')
      .reduce((n, b) => n + (b.total ?? 0) - b.used, 0);
    expect(onPremises).to.have.length(Math.min(onPremisesLeft, drafts.length - cloud.length));
    await bot.stop();
  });
});
