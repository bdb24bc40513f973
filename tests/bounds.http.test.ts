/**
 * Bounded per sender, over real HTTP: nothing is stored for tenants and people the bot does not
 * serve, and per-person and per-tenant limits on incoming turns hold while others are answered.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { VERBS } from '../cards';
import { fixedClock } from '../services/domain/clock';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { PERSON_TOO_FAST, TENANT_TOO_BUSY } from '../bot/replies';
import {
  activity,
  cardsIn,
  DEMO_TENANT,
  DEMO_USERS,
  startTestBot,
  visibleText,
  type BotActivity,
  type TestBot,
  sqliteDbOf,
} from './helpers/botHttp';
import { offer, orgDoc, TENANT, USERS } from './helpers/fixtures';

/** Runs `work` for 0..n-1, `concurrency` at a time; results in order. */
async function pool<T>(n: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

const rows = (bot: TestBot) => {
  const count = (table: string) =>
    (sqliteDbOf(bot.app).prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { state: count('bot_state'), references: count('conversation_references') };
};

/** A message or card action from anyone, as Teams would send it. */
function turn(
  kind: number,
  who: { tenantId: string; aadObjectId: string; id: string },
  conversationType = 'personal',
): Record<string, unknown> {
  const base = activity(
    'member',
    {
      from: { id: who.id, name: 'Someone', aadObjectId: who.aadObjectId },
      conversation: {
        id: `a:${who.id}-${conversationType}`,
        conversationType,
        tenantId: who.tenantId,
      },
    },
    { tenantId: who.tenantId },
  );
  const invoke = (verb: string) => ({
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data: {} } },
  });
  switch (kind % 5) {
    case 0:
      return { ...base, type: 'message', text: 'how many incidents do we have left' };
    case 1:
      return { ...base, type: 'message', text: 'open an incident' };
    case 2:
      return invoke(VERBS.refreshBenefits);
    case 3:
      return invoke(VERBS.startIncident);
    default:
      return { ...base, type: 'message', text: 'send alerts here' };
  }
}

const stranger = (i: number, tenantId: string) => ({
  tenantId,
  aadObjectId: randomUUID(),
  id: `29:stranger-${i}`,
});

describe('bounded per sender: nothing is stored for strangers', function () {
  this.timeout(60_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot()));
  after(() => bot.close());

  it('1,000 turns from tenants with no organisation store no row, and each gets its answer', async () => {
    const before = rows(bot);
    const answers = await pool(1000, 16, async (i) => {
      const kind = i % 5;
      const res = await bot.post(turn(kind, stranger(i, randomUUID()), kind === 4 ? 'channel' : 'personal'));
      return { status: res.status, text: visibleText(res.activities) };
    });
    expect(answers.filter((a) => a.status !== 200)).to.deep.equal([]);
    const unanswered = answers.filter((a) => !/Your organisation is not set up/.test(a.text));
    expect(unanswered, JSON.stringify(unanswered.slice(0, 3))).to.deep.equal([]);
    expect(rows(bot)).to.deep.equal(before);
  });

  it('1,000 turns from people the organisation does not know store no row', async () => {
    const before = rows(bot);
    const answers = await pool(1000, 16, async (i) => {
      const kind = i % 5;
      const res = await bot.post(turn(kind, stranger(i, DEMO_TENANT), kind === 4 ? 'channel' : 'personal'));
      return visibleText(res.activities);
    });
    expect(answers.filter((t) => !/Your account is not set up here/.test(t))).to.deep.equal([]);
    expect(rows(bot)).to.deep.equal(before);
  });

  it('a person the organisation knows still gets state and a reference (the test can fail)', async () => {
    const before = rows(bot);
    await bot.say('member', 'open an incident');
    const after = rows(bot);
    expect(after.state).to.equal(before.state + 1);
    expect(after.references).to.equal(before.references + 1);
  });

  it('the bot added to a team channel of a known tenant by someone unknown keeps the channel reference; of an unknown tenant, nothing', async () => {
    const added = (tenantId: string, channel: string) => ({
      ...activity('member', {}, { tenantId }),
      type: 'conversationUpdate',
      from: { id: '29:team-owner', aadObjectId: randomUUID() },
      membersAdded: [{ id: '28:partner-support-bot' }],
      conversation: { id: channel, conversationType: 'channel', tenantId },
    });
    const before = rows(bot);
    const unknown = await bot.post(added(randomUUID(), '19:elsewhere@thread.tacv2'));
    expect(cardsIn(unknown.activities)).to.have.length(1); // the welcome card all the same
    expect(rows(bot)).to.deep.equal(before);
    const known = await bot.post(added(DEMO_TENANT, '19:team@thread.tacv2'));
    expect(cardsIn(known.activities)).to.have.length(1);
    const ref = await bot.app.store.read((tx) => tx.conversations.get(DEMO_TENANT, '19:team@thread.tacv2'));
    expect(ref?.scope).to.equal('channel');
  });
});

describe('bounded per sender: turn limits', function () {
  this.timeout(60_000);

  const answered = (a: BotActivity[]) => cardsIn(a).length > 0;

  it('a flood from one person: told once, the rest dropped without the database; others answered', async () => {
    let now = 0; // the limiter's clock stands still: no refill during the flood
    const bot = await startTestBot(
      // No alert dispatcher: its polls would be database use that is not the turns'.
      { PERSON_TURN_BURST: '5', PERSON_TURNS_PER_MINUTE: '60', ALERTS_ENABLED: 'false' },
      { limiterNow: () => now },
    );
    try {
      const started = Date.now();
      const others = ['globalAdmin', 'partnerAdmin', 'adminAgent', 'supportLead', 'cspOnly'] as const;
      const results = await pool(240, 32, async (i) =>
        i % 12 === 0 // 20 turns from five other people, 4 each: under their own limit
          ? {
              who: 'other',
              activities: await bot.say(others[(i / 12) % 5], 'how many incidents do we have left'),
            }
          : { who: 'flood', activities: await bot.say('member', 'how many incidents do we have left') },
      );
      const floodMs = Date.now() - started;
      const flood = results.filter((r) => r.who === 'flood').map((r) => r.activities);
      const otherAnswers = results.filter((r) => r.who === 'other').map((r) => r.activities);
      expect(flood.filter(answered)).to.have.length(5);
      expect(flood.filter((a) => visibleText(a) === PERSON_TOO_FAST.en)).to.have.length(1);
      expect(flood.filter((a) => a.length === 0)).to.have.length(flood.length - 6);
      expect(otherAnswers.filter(answered)).to.have.length(20);
      expect(floodMs).to.be.below(10_000);

      // Dropped turns touch no database: no read, no cached read, no transaction.
      const store = bot.app.store;
      let used = 0;
      for (const m of ['read', 'readCached', 'transaction'] as const) {
        const original = store[m].bind(store) as (...args: unknown[]) => Promise<unknown>;
        (store as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
          used++;
          return original(...args);
        };
      }
      await pool(50, 10, () => bot.say('member', 'benefits'));
      const invoke = await bot.invoke('member', VERBS.refreshBenefits);
      expect(used).to.equal(0);
      // An invoke always gets a proper response: a short message instead of the card.
      expect(invoke[0]?.value?.status).to.equal(200);
      expect(invoke[0]?.value?.body).to.deep.equal({
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: PERSON_TOO_FAST.en,
      });

      const warns = bot.logs.lines.filter((l) => l.msg.startsWith('turn limit reached'));
      expect(warns.map((l) => [l.level, l.fields.limit, l.fields.aadObjectId])).to.deep.equal([
        ['warn', 'person', DEMO_USERS.member.aadObjectId],
      ]);

      // A minute later the person is answered again; one line tells how many were dropped.
      now += 60_000;
      expect(answered(await bot.say('member', 'benefits'))).to.equal(true);
      const ended = bot.logs.lines.filter((l) => l.msg === 'turn limit episode ended');
      expect(ended.map((l) => [l.fields.limit, l.fields.dropped])).to.deep.equal([
        ['person', flood.length - 6 + 50 + 1],
      ]);
    } finally {
      await bot.close();
    }
  });

  it('a person over the limit is told in their language', async () => {
    const bot = await startTestBot({ PERSON_TURN_BURST: '2' }, { limiterNow: () => 0 });
    try {
      const replies = [];
      for (let i = 0; i < 4; i++) replies.push(await bot.say('partnerAdmin', '帮助', { locale: 'zh-CN' }));
      expect(replies.map(visibleText).slice(2)).to.deep.equal([PERSON_TOO_FAST.zh, '']);
    } finally {
      await bot.close();
    }
  });

  it('a flood from one tenant: each person told once, then dropped; another tenant is answered', async () => {
    const bot = await startTestBot(
      { TENANT_TURN_BURST: '20', TENANT_TURNS_PER_MINUTE: '60' },
      { limiterNow: () => 0 },
    );
    try {
      await importOrganisation(
        bot.app.store,
        fixedClock(new Date()),
        orgDoc([offer('ap', 'actionPack', null)], TENANT),
      );
      const people = Array.from({ length: 50 }, (_, i) => stranger(i, DEMO_TENANT));
      const texts: string[] = [];
      const otherTenant: BotActivity[][] = [];
      for (const pass of [0, 1]) {
        await pool(50, 10, async (i) => {
          texts.push(visibleText((await bot.post(turn(0, people[i]))).activities));
          if (i % 10 === pass)
            otherTenant.push(
              (
                await bot.post(
                  turn(0, { tenantId: TENANT, aadObjectId: USERS.member, id: '29:fabrikam-member' }),
                )
              ).activities,
            );
        });
      }
      expect(texts.filter((t) => /not set up here/.test(t))).to.have.length(20);
      expect(texts.filter((t) => t === TENANT_TOO_BUSY.en)).to.have.length(50); // each person once
      expect(texts.filter((t) => t === '')).to.have.length(30);
      expect(otherTenant.filter(answered)).to.have.length(otherTenant.length);
      const warns = bot.logs.lines.filter((l) => l.msg.startsWith('turn limit reached'));
      expect(warns.map((l) => [l.fields.limit, l.fields.tenantId])).to.deep.equal([['tenant', DEMO_TENANT]]);
    } finally {
      await bot.close();
    }
  });

  it('TURN_LIMITS=off turns them off', async () => {
    const bot = await startTestBot({ TURN_LIMITS: 'off', PERSON_TURN_BURST: '1' }, { limiterNow: () => 0 });
    try {
      const replies = await pool(10, 5, () => bot.say('member', 'help'));
      expect(replies.filter(answered)).to.have.length(10);
    } finally {
      await bot.close();
    }
  });
});
