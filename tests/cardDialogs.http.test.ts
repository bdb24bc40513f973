/**
 * Dialogs started from a card button, over real HTTP: a refusal raised inside the dialog (when the button
 * starts it, or on a later step answered by text) ends it with the refusal card in the person's language,
 * and the next message is routed normally instead of being eaten by a half-run dialog. Buttons arrive as an
 * adaptiveCard/action invoke (Action.Execute) or as a message whose value carries the verb (the
 * Action.Submit fallback of Teams mobile); both are tried.
 */
import { expect } from 'chai';
import { VERBS } from '../cards';
import { SORRY } from '../bot/replies';
import {
  activity,
  DEMO_TENANT,
  DEMO_USERS,
  startTestBot,
  visibleText,
  type BotActivity,
  type DemoUser,
  type TestBot,
  sqliteDbOf,
} from './helpers/botHttp';
import { incidentInput } from './helpers/fixtures';
import { QuotaExceededError } from '../services/domain/errors';

type How = 'invoke' | 'submit';
type Locale = 'en-US' | 'zh-CN';

/** A card button pressed in Teams: Action.Execute (invoke) or its Action.Submit fallback (message with value). */
async function press(
  bot: TestBot,
  how: How,
  user: DemoUser,
  verb: string,
  data: Record<string, unknown>,
  opts: { locale: Locale; conversationId: string },
): Promise<BotActivity[]> {
  if (how === 'invoke') return bot.invoke(user, verb, data, opts);
  return (await bot.post(activity(user, { type: 'message', value: { ...data, verb } }, opts))).activities;
}

const invokeBody = (activities: BotActivity[]) => activities.find((a) => a.type === 'invokeResponse')?.value;

/** A message that is a plain question, answered from facts without the database, per language. */
const QUESTION: Record<Locale, [string, RegExp]> = {
  'en-US': ['who can activate benefits', /Global Admin or MPN Partner Admin/],
  'zh-CN': ['激活需要多长时间', /需要几天时间来处理激活请求/],
};

/** What a half-run incident dialog would ask next if it took the question as its answer. */
const DIALOG_PROMPTS = /short title|Which product|请用一句话概括问题|哪个产品/;

const KIND_PROMPT: Record<Locale, RegExp> = {
  'en-US': /What is the problem about/,
  'zh-CN': /问题涉及哪类产品/,
};

const KIND_ANSWER: Record<'onPremises' | 'cspAzure', Record<Locale, string>> = {
  onPremises: { 'en-US': 'On-premises product', 'zh-CN': '本地产品' },
  cspAzure: { 'en-US': 'Azure, for a CSP customer', 'zh-CN': 'Azure（CSP 客户）' },
};

interface RefusalCase {
  name: string;
  user: DemoUser;
  kind: 'onPremises' | 'cspAzure';
  rules: string[];
  /** Texts the refusal card must show, per language. */
  shows: Record<Locale, RegExp[]>;
}

const R4: RefusalCase = {
  name: 'CSP-only person, on-premises (R4)',
  user: 'cspOnly',
  kind: 'onPremises',
  rules: ['R4'],
  shows: {
    'en-US': [/You are not authorized for this action/, /You must have an MPN associated account\./],
    'zh-CN': [/你无权执行此操作/, /你必须具有 MPN 关联的帐户。/],
  },
};
const R3: RefusalCase = {
  name: 'member choosing Azure for a CSP customer (R3, R16)',
  user: 'member',
  kind: 'cspAzure',
  rules: ['R3'],
  shows: {
    'en-US': [/Azure requests for CSP customers are made by users with the Admin agent role\./],
    'zh-CN': [/CSP 客户的 Azure 请求由具有管理员代理角色的用户创建。/],
  },
};
const QUOTA: RefusalCase = {
  name: 'member with no Product Support incidents left (R11, R14)',
  user: 'member',
  kind: 'onPremises',
  rules: ['R11', 'R14'],
  shows: {
    'en-US': [/No support incidents left/, /All 30 incidents of Microsoft Product Support have been used\./],
    'zh-CN': [/没有剩余的支持事件/, /30 个事件已全部用完/],
  },
};

/** Every on-premises incident of the demo organisation used, through the service as a person would (R11). */
async function useUpOnPremises(b: TestBot): Promise<void> {
  const member = { tenantId: DEMO_TENANT, aadObjectId: DEMO_USERS.member.aadObjectId };
  for (let i = 0; i < 100; i++) {
    try {
      await b.app.services.incidents.open(member, incidentInput('onPremises', `use-up-${i}`));
    } catch (err) {
      if (err instanceof QuotaExceededError) return;
      throw err;
    }
  }
  throw new Error('the quota never ran out');
}

const HOWS: How[] = ['invoke', 'submit'];
const LOCALES: Locale[] = ['en-US', 'zh-CN'];
const SORRY_TEXT = new RegExp(`${SORRY.en.slice(0, 20)}|${SORRY.zh.slice(0, 6)}`);

describe('refusals inside dialogs started from a card (over HTTP)', function () {
  this.timeout(30_000);
  let bot: TestBot;
  let exhausted: TestBot;
  let conversation = 0;
  const nextConversation = () => `a:card-dialog-${++conversation}`;

  before(async () => {
    bot = await startTestBot();
    exhausted = await startTestBot();
    await useUpOnPremises(exhausted);
    const left = await exhausted.app.store.read((tx) => tx.benefits.list(DEMO_TENANT));
    expect(
      left.filter((b) => b.type === 'productSupport' && b.activation.state === 'active').map((b) => b.used),
    ).to.deep.equal([10, 20]);
  });
  after(async () => {
    await bot.close();
    await exhausted.close();
  });

  const botFor = (c: RefusalCase) => (c === QUOTA ? exhausted : bot);
  const errorsOf = (b: TestBot) => b.logs.lines.filter((l) => l.level === 'error');
  const incidentCount = async (b: TestBot) =>
    (await b.app.store.read((tx) => tx.incidents.list(DEMO_TENANT))).length;

  /** The refusal card in the person's language, no apology, one info line with the rules, no error line. */
  function expectRefusal(
    b: TestBot,
    c: RefusalCase,
    locale: Locale,
    replies: BotActivity[],
    errorsBefore: number,
  ) {
    const text = visibleText(replies);
    for (const shown of c.shows[locale]) expect(text).to.match(shown);
    expect(text).not.to.match(SORRY_TEXT);
    if (locale === 'zh-CN') expect(text).not.to.match(/You |Source/);
    expect(errorsOf(b).slice(errorsBefore)).to.deep.equal([]);
    const refused = b.logs.lines.filter((l) => /refused/.test(l.msg)).at(-1);
    expect(refused?.level).to.equal('info');
    expect(refused?.fields.rules).to.deep.equal(c.rules);
  }

  /** The next message is a new request, not an answer to a half-run dialog. */
  async function expectRoutedNormally(b: TestBot, user: DemoUser, locale: Locale, conversationId: string) {
    const [question, answer] = QUESTION[locale];
    const replies = await b.say(user, question, { locale, conversationId });
    expect(visibleText(replies)).to.match(answer);
    expect(visibleText(replies)).not.to.match(DIALOG_PROMPTS);
  }

  for (const c of [R4, R3, QUOTA]) {
    for (const how of HOWS) {
      for (const locale of LOCALES) {
        it(`${c.name}: the button starts the dialog with the kind (${how}, ${locale}) → refusal card, dialog over`, async () => {
          const b = botFor(c);
          const conversationId = nextConversation();
          const errorsBefore = errorsOf(b).length;
          const incidentsBefore = await incidentCount(b);
          const replies = await press(
            b,
            how,
            c.user,
            VERBS.startIncident,
            { kind: c.kind },
            { locale, conversationId },
          );
          expectRefusal(b, c, locale, replies, errorsBefore);
          if (how === 'invoke') {
            // The refusal card replaces the clicked card.
            const body = invokeBody(replies);
            expect(body?.status).to.equal(200);
            expect(body?.body?.type).to.equal('application/vnd.microsoft.card.adaptive');
          }
          await expectRoutedNormally(b, c.user, locale, conversationId);
          expect(errorsOf(b).slice(errorsBefore)).to.deep.equal([]);
          expect(await incidentCount(b)).to.equal(incidentsBefore);
        });

        it(`${c.name}: the button starts the dialog, the kind is answered by text (${how}, ${locale}) → refusal card, dialog over`, async () => {
          const b = botFor(c);
          const conversationId = nextConversation();
          const errorsBefore = errorsOf(b).length;
          const started = await press(b, how, c.user, VERBS.startIncident, {}, { locale, conversationId });
          expect(visibleText(started)).to.match(KIND_PROMPT[locale]);
          const replies = await b.say(c.user, KIND_ANSWER[c.kind][locale], { locale, conversationId });
          expectRefusal(b, c, locale, replies, errorsBefore);
          await expectRoutedNormally(b, c.user, locale, conversationId);
          expect(errorsOf(b).slice(errorsBefore)).to.deep.equal([]);
        });
      }
    }
  }

  it('after a card refusal, the answers a half-run dialog would have eaten are ordinary messages (no TypeError on contact)', async () => {
    for (const how of HOWS) {
      const conversationId = nextConversation();
      const errorsBefore = errorsOf(bot).length;
      await press(
        bot,
        how,
        'cspOnly',
        VERBS.startIncident,
        { kind: 'onPremises' },
        { locale: 'en-US', conversationId },
      );
      // Product, title, description, severity: the severity answer used to reach the contact step of a
      // dialog whose eligibility step had thrown, and fail there reading `eligibility.contact`.
      for (const text of [
        'SQL Server 2022',
        'Availability group fails over',
        'Secondary replica goes offline every night at 02:00 with error 35250.',
        'B',
      ]) {
        const replies = await bot.say('cspOnly', text, { conversationId });
        expect(visibleText(replies), `after “${text}”`).not.to.match(SORRY_TEXT);
        expect(visibleText(replies), `after “${text}”`).not.to.match(DIALOG_PROMPTS);
        expect(visibleText(replies), `after “${text}”`).not.to.match(
          /How severe|Should Microsoft contact you/,
        );
      }
      expect(errorsOf(bot).slice(errorsBefore), how).to.deep.equal([]);
    }
  });

  it('a refusal when the card is confirmed (no incidents left since the review) is the refusal card; the draft stays and a retry says the same', async () => {
    const b = await startTestBot();
    try {
      const conversationId = nextConversation();
      const say = (t: string) => b.say('member', t, { conversationId });
      await press(
        b,
        'invoke',
        'member',
        VERBS.startIncident,
        { kind: 'onPremises' },
        { locale: 'en-US', conversationId },
      );
      for (const t of [
        'SQL Server 2022',
        'Availability group fails over',
        'Secondary replica goes offline every night at 02:00 with error 35250.',
        'B',
        'yes',
      ])
        await say(t);
      const review = await say('skip');
      const key = /"idempotencyKey":"(card-[0-9a-f-]{36})"/.exec(JSON.stringify(review))?.[1];
      expect(key).to.be.a('string');
      await useUpOnPremises(b);
      const before = await incidentCount(b);
      for (const how of HOWS) {
        const replies = await press(
          b,
          how,
          'member',
          VERBS.confirmIncident,
          { idempotencyKey: key },
          {
            locale: 'en-US',
            conversationId,
          },
        );
        expectRefusal(b, QUOTA, 'en-US', replies, 0);
      }
      expect(await incidentCount(b)).to.equal(before);
      await expectRoutedNormally(b, 'member', 'en-US', conversationId);
    } finally {
      await b.close();
    }
  });

  it('an unexpected failure inside a card-started dialog: the polite apology, one error line, and the dialog is cleared', async () => {
    // Alerts off: their dispatcher would fail on the missing table too and log errors of its own.
    const b = await startTestBot({ READ_CACHE: 'off', ALERTS_ENABLED: 'false' });
    try {
      // A real failure under the service: the benefits table is gone, so choosing a benefit throws.
      // In a store transaction, so that no other turn's or the alert dispatcher's transaction includes it.
      await b.app.store.transaction(async () => sqliteDbOf(b.app).exec('DROP TABLE benefits'));
      for (const how of HOWS) {
        for (const locale of LOCALES) {
          const conversationId = nextConversation();
          const errorsBefore = errorsOf(b).length;
          const replies = await press(
            b,
            how,
            'member',
            VERBS.startIncident,
            { kind: 'onPremises' },
            {
              locale,
              conversationId,
            },
          );
          expect(visibleText(replies)).to.include(locale === 'zh-CN' ? SORRY.zh : SORRY.en);
          const errors = errorsOf(b).slice(errorsBefore);
          expect(errors, `${how} ${locale}`).to.have.length(1);
          expect(JSON.stringify(errors[0].fields)).to.match(/no such table: benefits/);
          await expectRoutedNormally(b, 'member', locale, conversationId);
          expect(errorsOf(b).slice(errorsBefore)).to.have.length(1);
        }
      }
    } finally {
      await b.close();
    }
  });
});

describe('card verbs and card keys are looked up safely (over HTTP)', function () {
  this.timeout(30_000);
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot({ ALERTS_ENABLED: 'false' });
  });
  after(async () => bot.close());

  const GONE: Record<Locale, string> = {
    'en-US': 'This button is no longer available. Say "help" to see what I can do.',
    'zh-CN': '此按钮已不再可用。输入“帮助”查看可以做什么。',
  };
  // Names every plain object inherits: a lookup in an object literal would find them. Those that
  // are not verb-shaped words (__proto__, __defineGetter__) never get this far: the edge answers
  // 400 (tests/hostile.test.ts); these are the ones that reach the verb table.
  const INHERITED = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
  // Draft keys come from card data, not from the verb: every inherited name reaches the lookup.
  const INHERITED_KEYS = ['__proto__', ...INHERITED, '__defineGetter__'];

  for (const how of HOWS) {
    for (const locale of LOCALES) {
      it(`verbs named after Object.prototype members (${how}, ${locale}): "no longer available", a warn line, no error`, async () => {
        for (const verb of INHERITED) {
          const before = bot.logs.lines.length;
          const replies = await press(
            bot,
            how,
            'member',
            verb,
            {},
            { locale, conversationId: `a:verbs-${how}` },
          );
          expect(visibleText(replies), verb).to.equal(GONE[locale]);
          if (how === 'invoke') expect(invokeBody(replies)?.status, verb).to.equal(200);
          const lines = bot.logs.lines.slice(before).filter((l) => l.level !== 'debug');
          expect(
            lines.map((l) => [l.level, l.msg, l.fields.verb]),
            verb,
          ).to.deep.equal([['warn', 'unknown card verb', verb]]);
        }
      });
    }
  }

  it('an invoke whose verb is not text, or not a verb-shaped word, is a 400 at the edge with one warn line', async () => {
    for (const verb of [42, { toString: 'x' }, ['incident.start'], null, '__proto__', '__defineGetter__']) {
      const before = bot.logs.lines.length;
      const a = activity('member', {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data: {} } },
      });
      const res = await bot.post(a);
      expect(res.status, JSON.stringify(verb)).to.equal(400);
      const lines = bot.logs.lines.slice(before).filter((l) => l.level !== 'debug');
      expect(lines.map((l) => [l.level, l.msg])).to.deep.equal([['warn', 'activity rejected']]);
    }
  });

  it('Confirm and Cancel with a key named after an Object.prototype member find no draft: "not found", no incident, no error', async () => {
    const count = async () => (await bot.app.store.read((tx) => tx.incidents.list(DEMO_TENANT))).length;
    const before = await count();
    const errorsBefore = bot.logs.lines.filter((l) => l.level === 'error').length;
    for (const how of HOWS) {
      for (const key of INHERITED_KEYS) {
        const opts = { locale: 'en-US' as const, conversationId: `a:keys-${how}` };
        const confirm = await press(bot, how, 'member', VERBS.confirmIncident, { idempotencyKey: key }, opts);
        expect(visibleText(confirm), key).to.match(/Not found/);
        const cancel = await press(bot, how, 'member', VERBS.cancel, { idempotencyKey: key }, opts);
        expect(visibleText(cancel), key).to.equal('Cancelled.');
      }
    }
    expect(await count()).to.equal(before);
    expect(bot.logs.lines.filter((l) => l.level === 'error').slice(errorsBefore)).to.deep.equal([]);
  });
});
