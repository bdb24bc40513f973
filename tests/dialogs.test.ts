/**
 * The incident and activation dialogs turn by turn, with botbuilder-testing's DialogTestClient (as in the
 * BotBuilder core-bot samples: a table of cases, each a list of user utterances and the bot's replies),
 * on the demo organisation imported into a fresh SQLite database per test. Refusals are also run through
 * the production MessageRouter on a TestAdapter, because that is where a refusal thrown by a dialog
 * becomes the card the user sees and the dialog is ended.
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ActivityTypes,
  CardFactory,
  ConversationState,
  MemoryStorage,
  PrivateConversationState,
  TestAdapter,
  type Activity,
  type Middleware,
} from 'botbuilder';
import {
  DialogContextError,
  DialogSet,
  DialogTurnStatus,
  type Dialog,
  type DialogState,
} from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { REPLY_LOG } from './helpers/internalTokens';
import { CardRenderer } from '../cards/render';
import { CardActions } from '../bot/cardActions';
import { memoryLogger } from '../bot/logger';
import { MessageRouter } from '../bot/messageRouter';
import { cardMessage } from '../bot/replies';
import { DatabaseStorage } from '../bot/stateStorage';
import {
  ACTIVATION_DIALOG,
  ActivationDialog,
  type ActivationDialogOptions,
} from '../dialogs/activationDialog';
import { INCIDENT_DIALOG, IncidentDialog, type IncidentDialogOptions } from '../dialogs/incidentDialog';
import type { IncidentDrafts } from '../dialogs/incidentDrafts';
import { createClassifier, type IntentClassifier } from '../dialogs/understanding/classifier';
import { fixedClock } from '../services/domain/clock';
import {
  BenefitNotActivatedError,
  BenefitRuleError,
  NotAuthorizedError,
  QuotaExceededError,
  RoleRequiredError,
} from '../services/domain/errors';
import type { Benefit, Incident, IncidentKind } from '../services/domain/types';
import { createServices, type Services } from '../services/index';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';

// ---------------------------------------------------------------------------------------------------------
// The demo organisation (examples/demo-org.json), imported on a fixed day so its relative dates are stable.
// ---------------------------------------------------------------------------------------------------------

const DEMO_FILE = path.resolve(__dirname, '../../examples/demo-org.json');
const TENANT = '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
const NOW = '2026-06-15T09:00:00.000Z';

interface Person {
  aadObjectId: string;
  name: string;
  email: string;
  /** Teams' locale; the bot answers in Chinese for zh-*, in English for any other. */
  locale: 'en-US' | 'zh-CN' | 'fr-FR';
}

const person = (n: number, name: string, email: string, locale: Person['locale']): Person => ({
  aadObjectId: `00000000-0000-4000-8000-00000000000${n}`,
  name,
  email,
  locale,
});

/** Global admin, MPN partner admin (zh-CN), Admin agent, member, CSP-only, support lead (zh-CN). */
const AVERY = person(1, 'Avery Chen', 'avery.chen@contoso.example', 'en-US');
const BAO = person(2, 'Bao Lin', 'bao.lin@contoso.example', 'zh-CN');
const CARMEN = person(3, 'Carmen Diaz', 'carmen.diaz@contoso.example', 'en-US');
const DEV = person(4, 'Dev Patel', 'dev.patel@contoso.example', 'en-US');
const ELI = person(5, 'Eli Novak', 'eli.novak@contoso.example', 'en-US');
const FANG = person(6, 'Fang Wu', 'fang.wu@contoso.example', 'zh-CN');

/** Benefit ids are `<offer id>.<benefit type>`. */
const B = {
  actionPackPs: 'action-pack.productSupport', // active, 3 of 10 used, expires first
  goldCloudPs: 'gold-cloud-platform.productSupport', // active, 18 of 20 used
  goldCloudSig: 'gold-cloud-platform.signatureCloudSupport', // active, unlimited, 4 used
  silverDataPs: 'silver-data-analytics.productSupport', // pending
  silverDataSig: 'silver-data-analytics.signatureCloudSupport', // not activated (not in the file)
  goldAppDevPs: 'gold-application-development.productSupport', // rejected
  goldAppDevSig: 'gold-application-development.signatureCloudSupport', // active, 9 of 10 used
} as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The demo document, with some benefits' states replaced (`[benefit id, new state]`). */
function demoDoc(...changes: [benefitId: string, state: Record<string, unknown>][]): unknown {
  const doc: unknown = JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8'));
  const offers = isRecord(doc) ? doc.offers : undefined;
  if (!Array.isArray(offers)) throw new Error('demo document without offers');
  for (const [benefitId, state] of changes) {
    const [offerId, type] = benefitId.split('.');
    const offer: unknown = offers.find((o: unknown) => isRecord(o) && o.id === offerId);
    const benefits = isRecord(offer) ? offer.benefits : undefined;
    if (!isRecord(benefits)) throw new Error(`no offer ${offerId} in the demo document`);
    benefits[type] = state;
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------------------
// Activities as Teams sends them: identity only in from.aadObjectId and the tenant id.
// ---------------------------------------------------------------------------------------------------------

function messageFrom(
  p: Person,
  text: string | undefined,
  value?: Record<string, unknown>,
): Partial<Activity> {
  return {
    type: ActivityTypes.Message,
    channelId: 'msteams',
    ...(text !== undefined ? { text } : {}),
    ...(value !== undefined ? { value } : {}),
    locale: p.locale,
    from: { id: `29:teams-${p.aadObjectId}`, name: p.name, aadObjectId: p.aadObjectId },
    recipient: { id: '28:partner-support-bot', name: 'Partner support bot' },
    conversation: {
      id: `a:personal-${p.aadObjectId}`,
      conversationType: 'personal',
      isGroup: false,
      name: '',
      tenantId: TENANT,
    },
    channelData: { tenant: { id: TENANT } },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reading replies: plain text, hero cards (choice and confirm prompts), Adaptive Cards.
// ---------------------------------------------------------------------------------------------------------

interface CardParts {
  texts: string[];
  facts: Record<string, string>;
  actions: { type: string; title: string; verb?: string; data: Record<string, unknown> }[];
}

function adaptiveCardOf(reply: Partial<Activity> | undefined): Record<string, unknown> {
  const attachment = reply?.attachments?.[0];
  expect(attachment?.contentType, 'an Adaptive Card reply').to.equal(CardFactory.contentTypes.adaptiveCard);
  const content: unknown = attachment?.content;
  if (!isRecord(content)) throw new Error('Adaptive Card without content');
  return content;
}

/** Every TextBlock text (in order), every fact and the card's own actions (with the Submit fallback's data). */
function partsOf(card: Record<string, unknown>): CardParts {
  const parts: CardParts = { texts: [], facts: {}, actions: [] };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isRecord(node)) return;
    if (node.type === 'TextBlock' && typeof node.text === 'string') parts.texts.push(node.text);
    if (node.type === 'FactSet' && Array.isArray(node.facts)) {
      for (const f of node.facts as unknown[])
        if (isRecord(f) && typeof f.title === 'string') parts.facts[f.title] = String(f.value);
    }
    for (const key of ['body', 'items', 'columns']) walk(node[key]);
  };
  walk(card.body);
  for (const a of Array.isArray(card.actions) ? (card.actions as unknown[]) : []) {
    if (!isRecord(a)) continue;
    const fallback = isRecord(a.fallback) && isRecord(a.fallback.data) ? a.fallback.data : {};
    parts.actions.push({
      type: String(a.type),
      title: String(a.title),
      ...(typeof a.verb === 'string' ? { verb: a.verb } : {}),
      data: fallback,
    });
  }
  return parts;
}

/** One line per reply: the text; a hero card as `text [button | button]`; an Adaptive Card as `<card: title>`. */
function shown(reply: Partial<Activity>): string {
  const attachment = reply.attachments?.[0];
  if (!attachment) return reply.text ?? '';
  const content: unknown = attachment.content;
  if (attachment.contentType === CardFactory.contentTypes.heroCard && isRecord(content)) {
    const buttons = Array.isArray(content.buttons) ? (content.buttons as unknown[]) : [];
    const titles = buttons.map((b) => (isRecord(b) ? String(b.title) : '?'));
    return `${String(content.text)} [${titles.join(' | ')}]`;
  }
  if (attachment.contentType === CardFactory.contentTypes.adaptiveCard && isRecord(content)) {
    const title = partsOf(content).texts[0] ?? '';
    return `${reply.text ? `${reply.text} ` : ''}<card: ${title}>`;
  }
  return `<${attachment.contentType}>`;
}

// ---------------------------------------------------------------------------------------------------------
// DialogTestClient harness.
// ---------------------------------------------------------------------------------------------------------

/**
 * Card buttons come back as a message whose value carries the verb (Action.Submit, Teams mobile). The bot
 * hands them to CardActions before any dialog runs (MessageRouter.handle); this middleware does the same,
 * so the dialog's draft is opened by the production handler, reading the same conversation state.
 */
function cardSubmits(actions: CardActions): Middleware {
  return {
    async onTurn(context, next) {
      const value: unknown = context.activity.value;
      if (isRecord(value) && typeof value.verb === 'string') {
        const result = await actions.run(context, value.verb, value);
        await context.sendActivity('card' in result ? cardMessage(result.card) : result.message);
        return;
      }
      await next();
    },
  };
}

class DialogRun {
  constructor(
    readonly client: DialogTestClient,
    private readonly who: Person,
  ) {}

  say(text: string): Promise<Partial<Activity>[]> {
    return this.turn(messageFrom(this.who, text));
  }

  /** What Teams sends for an Action.Submit fallback button: the button's data, verb included. */
  submit(data: Record<string, unknown>): Promise<Partial<Activity>[]> {
    return this.turn(messageFrom(this.who, undefined, data));
  }

  get status(): DialogTurnStatus {
    return this.client.dialogTurnResult.status;
  }

  get result(): unknown {
    return this.client.dialogTurnResult.result;
  }

  private async turn(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    const replies: Partial<Activity>[] = [];
    const first: unknown = await this.client.sendActivity(activity);
    if (isRecord(first)) replies.push(first);
    for (let next: unknown = this.client.getNextReply(); isRecord(next); next = this.client.getNextReply())
      replies.push(next);
    REPLY_LOG.record(activity, replies); // scanned for internal tokens at the end of the run
    return replies;
  }
}

interface Step {
  say: string;
  replies: string[];
}

/** Plays the steps; every reply of every turn must be exactly as listed. Returns the last turn's replies. */
async function play(run: DialogRun, steps: Step[]): Promise<Partial<Activity>[]> {
  let last: Partial<Activity>[] = [];
  for (const [i, step] of steps.entries()) {
    last = await run.say(step.say);
    expect(last.map(shown), `replies to "${step.say}" (step ${i + 1})`).to.deep.equal(step.replies);
    if (i < steps.length - 1) expect(run.status, `after "${step.say}"`).to.equal(DialogTurnStatus.waiting);
  }
  return last;
}

// ---------------------------------------------------------------------------------------------------------
// What the bot says (copied here on purpose: a changed prompt must be a deliberate change).
// ---------------------------------------------------------------------------------------------------------

const EN = {
  kind: 'What is the problem about? [On-premises product | Cloud product | Azure, for a CSP customer]',
  product: 'Which product? (for example "SQL Server 2022" or "Azure App Service")',
  title: 'A short title for the problem?',
  description: 'Describe the problem: the error message, what you expected and what happened.',
  // ChoiceFactory.heroCard titles the buttons with the choice values, so the values are the full labels.
  severity:
    'How severe is it? [A – critical: business stopped | B – high: business impaired | C – moderate: minimal impact]',
  useContact: (p: Person) => `Should Microsoft contact you (${p.name}, ${p.email})? [Yes | No]`,
  contactName: 'Who should Microsoft contact? (name)',
  contactEmail: 'Their email address?',
  phone: 'A phone number for callbacks? (or "skip")',
  review: 'Please check the details and confirm below. <card: Confirm the support incident>',
  invalidProduct: 'Please name the product in 2–100 characters.',
  invalidTitle: 'The title needs 5–200 characters. Please try again.',
  invalidDescription: 'The description needs 10–4000 characters: say what fails and the error you see.',
  invalidContactName: 'Please give a name of 2–100 characters.',
  invalidEmail: 'That is not an email address. Please try again, e.g. name@contoso.com.',
  invalidPhone: 'That is not a phone number. Use digits, spaces, +, - or parentheses, or say "skip".',
  // The article, linked; rule numbers are never on screen (issue 13).
  source:
    'Source: [Partner Center: “MPN benefits – technical support incidents”](https://learn.microsoft.com/partner-center/mpn-benefits-technical-support)',
};

const ZH = {
  kind: '问题涉及哪类产品？ [本地产品 | 云产品 | Azure（CSP 客户）]',
  counted: '此事件将计入 Microsoft 产品支持（剩余 7 个事件）。',
  product: '哪个产品？（例如“SQL Server 2022”或“Azure App Service”）',
  title: '请用一句话概括问题（标题）：',
  description: '请描述问题：错误消息、预期结果和实际情况。',
  severity: '严重程度如何？ [A – 严重：业务中断 | B – 高：业务受影响 | C – 中：影响较小]',
  useContact: 'Microsoft 是否联系你（Bao Lin，bao.lin@contoso.example）？ [是的 | 不]',
  phone: '回电电话号码？（或输入“跳过”）',
  review: '请检查以下详细信息并确认。 <card: 确认开立支持事件>',
  invalidTitle: '标题需为 5–200 个字符，请重试。',
  invalidPhone: '这不是有效的电话号码。请使用数字、空格、+、- 或括号，或输入“跳过”。',
};

// ---------------------------------------------------------------------------------------------------------

describe('dialogs (DialogTestClient, demo organisation on SQLite)', function () {
  let dir: string;
  let stores: SqliteStore[];
  let classifier: IntentClassifier;

  before(() => {
    classifier = createClassifier();
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-'));
    stores = [];
  });

  afterEach(async () => {
    for (const s of stores) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh database in this test's temp dir (one per call), with the demo organisation (or a variant of it). */
  async function open(doc: unknown = demoDoc()): Promise<{ services: Services; store: SqliteStore }> {
    const clock = fixedClock(NOW);
    const opened = SqliteStore.open(path.join(dir, `bot-${stores.length + 1}.sqlite`));
    stores.push(opened);
    await importOrganisation(opened, clock, doc);
    return { services: createServices(opened, clock), store: opened };
  }

  const benefit = async (s: SqliteStore, id: string): Promise<Benefit> => {
    const found = await s.read((tx) => tx.benefits.get(TENANT, id));
    if (!found) throw new Error(`no benefit ${id}`);
    return found;
  };
  const usedOf = async (s: SqliteStore): Promise<Record<string, number>> =>
    Object.fromEntries((await s.read((tx) => tx.benefits.list(TENANT))).map((b) => [b.id, b.used]));
  const activationsOf = async (s: SqliteStore): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await s.read((tx) => tx.benefits.list(TENANT))).map((b) => [b.id, b.activation.state]),
    );
  const incidentsOf = (s: SqliteStore): Promise<Incident[]> => s.read((tx) => tx.incidents.list(TENANT));

  /** The incident dialog alone, with the drafts accessor and CardActions sharing the client's state. */
  function incidentRun(services: Services, who: Person, options?: IncidentDialogOptions): DialogRun {
    const cards = new CardRenderer({ cache: true });
    const state = new ConversationState(new MemoryStorage());
    const drafts = state.createProperty<IncidentDrafts>('incidentDrafts');
    // CardActions wants the bot's DialogSet (only the start/cancel verbs use it); the client's is internal.
    const dialogs = new DialogSet(state.createProperty('DialogState'));
    dialogs.add(new IncidentDialog(services, drafts, cards));
    const actions = new CardActions({ services, dialogs, drafts, logger: memoryLogger(), cards });
    const client = new DialogTestClient(
      'msteams',
      new IncidentDialog(services, drafts, cards),
      options,
      [cardSubmits(actions)],
      state,
    );
    return new DialogRun(client, who);
  }

  function activationRun(services: Services, who: Person, options?: ActivationDialogOptions): DialogRun {
    const cards = new CardRenderer({ cache: true });
    return new DialogRun(
      new DialogTestClient('msteams', new ActivationDialog(services, cards), options),
      who,
    );
  }

  /** The review card's Confirm button, as Teams sends its Action.Submit fallback. */
  function confirmData(review: Partial<Activity>[]): Record<string, unknown> {
    const confirm = partsOf(adaptiveCardOf(review[0])).actions.find((a) => a.verb === 'incident.confirm');
    expect(confirm?.data.verb).to.equal('incident.confirm');
    expect(confirm?.data.idempotencyKey)
      .to.be.a('string')
      .and.match(/^card-[0-9a-f-]{36}$/);
    return confirm?.data ?? {};
  }

  // -------------------------------------------------------------------------------------------------------
  describe('incident dialog, step by step in English, opened by the confirmation card', function () {
    interface OpenCase {
      name: string;
      who: Person;
      steps: Step[];
      card: Record<string, string>;
      incident: Partial<Incident>;
      /** The benefit the incident is counted against, with its `used` before; null = nothing consumed (R16). */
      counted: { id: string; usedBefore: number } | null;
    }

    const CASES: OpenCase[] = [
      {
        name: 'Avery, on-premises, Microsoft contacts Avery, no phone → Action Pack Product Support',
        who: AVERY,
        steps: [
          { say: 'open an incident', replies: [EN.kind] },
          {
            say: 'On-premises product',
            replies: [
              'This incident will be counted against Microsoft Product Support (7 incidents left).',
              EN.product,
            ],
          },
          { say: 'SQL Server 2022', replies: [EN.title] },
          { say: 'Service fails to start after update', replies: [EN.description] },
          {
            say: 'After the latest cumulative update the service stops with error 0x80070005.',
            replies: [EN.severity],
          },
          { say: 'A', replies: [EN.useContact(AVERY)] },
          { say: 'Yes', replies: [EN.phone] },
          { say: 'skip', replies: [EN.review] },
        ],
        card: {
          Kind: 'On-premises product',
          Product: 'SQL Server 2022',
          Severity: 'A – critical',
          Contact: 'Avery Chen, avery.chen@contoso.example',
          'Counted against': 'Microsoft Product Support (7 left before this one)',
        },
        incident: {
          kind: 'onPremises',
          plan: 'productSupport',
          benefitId: B.actionPackPs,
          product: 'SQL Server 2022',
          title: 'Service fails to start after update',
          description: 'After the latest cumulative update the service stops with error 0x80070005.',
          severity: 'A',
          contact: { name: 'Avery Chen', email: 'avery.chen@contoso.example', phone: null },
        },
        counted: { id: B.actionPackPs, usedBefore: 3 },
      },
      {
        name: 'Avery, cloud (chosen by number), someone else to contact with a phone → Signature Cloud Support',
        who: AVERY,
        steps: [
          { say: 'Open a support incident', replies: [EN.kind] },
          {
            say: '2',
            replies: [
              'This incident will be counted against Signature Cloud Support (unlimited).',
              EN.product,
            ],
          },
          { say: '  Azure App Service  ', replies: [EN.title] },
          { say: 'Web app returns HTTP 500 after slot swap', replies: [EN.description] },
          {
            say: 'Since the swap every request fails with HTTP 500.30; we expected the new build to serve traffic.',
            replies: [EN.severity],
          },
          { say: 'c', replies: [EN.useContact(AVERY)] },
          { say: 'No', replies: [EN.contactName] },
          { say: 'Dana Example', replies: [EN.contactEmail] },
          { say: 'dana@contoso.example', replies: [EN.phone] },
          { say: '+1 (425) 555-0100', replies: [EN.review] },
        ],
        card: {
          Kind: 'Cloud product',
          Product: 'Azure App Service',
          Severity: 'C – moderate',
          Contact: 'Dana Example, dana@contoso.example, +1 (425) 555-0100',
          'Counted against': 'Signature Cloud Support (Unlimited)',
        },
        incident: {
          kind: 'cloud',
          plan: 'signatureCloudSupport',
          benefitId: B.goldCloudSig,
          product: 'Azure App Service',
          title: 'Web app returns HTTP 500 after slot swap',
          severity: 'C',
          contact: { name: 'Dana Example', email: 'dana@contoso.example', phone: '+1 (425) 555-0100' },
        },
        counted: { id: B.goldCloudSig, usedBefore: 4 },
      },
      {
        name: 'Carmen (Admin agent), Azure for a CSP customer → Cloud Solution Provider plan, nothing consumed',
        who: CARMEN,
        steps: [
          { say: 'new incident', replies: [EN.kind] },
          {
            say: 'Azure, for a CSP customer',
            replies: [
              'CSP partners creating Azure requests may use the “Cloud Solution Provider” support plan without adding a support contract. No incident will be used.',
              EN.product,
            ],
          },
          { say: 'Azure Virtual Machines', replies: [EN.title] },
          { say: 'Customer VM cannot boot', replies: [EN.description] },
          {
            say: 'The customer VM stays at "Starting" and the boot diagnostics show a kernel panic.',
            replies: [EN.severity],
          },
          { say: 'B', replies: [EN.useContact(CARMEN)] },
          { say: 'yes', replies: [EN.phone] },
          { say: '+44 20 7946 0958', replies: [EN.review] },
        ],
        card: {
          Kind: 'Azure for a CSP customer',
          Product: 'Azure Virtual Machines',
          Severity: 'B – high',
          Contact: 'Carmen Diaz, carmen.diaz@contoso.example, +44 20 7946 0958',
          'Counted against': 'No incident is used',
        },
        incident: {
          kind: 'cspAzure',
          plan: 'cloudSolutionProvider',
          benefitId: null,
          product: 'Azure Virtual Machines',
          severity: 'B',
          contact: { name: 'Carmen Diaz', email: 'carmen.diaz@contoso.example', phone: '+44 20 7946 0958' },
        },
        counted: null,
      },
    ];

    for (const c of CASES) {
      it(c.name, async function () {
        const { services, store: s } = await open();
        const usedBefore = await usedOf(s);
        if (c.counted) expect(usedBefore[c.counted.id]).to.equal(c.counted.usedBefore);
        const run = incidentRun(services, c.who);

        const review = await play(run, c.steps);
        expect(run.status).to.equal(DialogTurnStatus.complete);
        const card = partsOf(adaptiveCardOf(review[0]));
        const data = confirmData(review);
        expect(run.result).to.deep.equal({ idempotencyKey: data.idempotencyKey });
        expect(card.texts[0]).to.equal('Confirm the support incident');
        expect(card.texts[1]).to.equal(c.incident.title ?? c.steps[3].say);
        expect(card.texts[2]).to.equal(c.incident.description ?? c.steps[4].say);
        expect(card.facts).to.deep.equal(c.card);
        expect(card.texts.at(-1)).to.equal(EN.source);
        expect(card.actions.map((a) => `${a.title}:${a.verb ?? ''}`)).to.deep.equal([
          'Confirm:incident.confirm',
          'Cancel:dialog.cancel',
        ]);
        // The dialog only drafts: nothing is opened or consumed before the card is confirmed.
        expect(await incidentsOf(s)).to.deep.equal([]);
        expect(await usedOf(s)).to.deep.equal(usedBefore);

        const opened = await run.submit(data);
        expect(opened).to.have.length(1);
        const incidentCard = partsOf(adaptiveCardOf(opened[0]));
        const [incident, ...others] = await incidentsOf(s);
        expect(others).to.deep.equal([]);
        expect(incident).to.deep.include({
          ...c.incident,
          tenantId: TENANT,
          state: 'open',
          openedBy: c.who.aadObjectId,
          openedAt: NOW,
          idempotencyKey: data.idempotencyKey,
        });
        expect(incident.id).to.match(/^INC-[A-Z2-9]{8}$/);
        expect(incidentCard.texts.slice(0, 3)).to.deep.equal([incident.id, 'Open', incident.title]);
        expect(incidentCard.facts).to.deep.include({
          Product: c.card.Product,
          Severity: c.card.Severity,
          Contact: c.card.Contact,
          Opened: '2026-06-15 09:00 UTC',
        });

        const usedAfter = await usedOf(s);
        const expected = { ...usedBefore };
        if (c.counted) expected[c.counted.id] = c.counted.usedBefore + 1;
        expect(usedAfter).to.deep.equal(expected);
      });
    }

    it('confirming the same card twice opens one incident and uses one incident of the quota', async function () {
      const { services, store: s } = await open();
      const run = incidentRun(services, AVERY);
      const review = await play(run, CASES[0].steps);
      const data = confirmData(review);

      const first = partsOf(adaptiveCardOf((await run.submit(data))[0]));
      const second = partsOf(adaptiveCardOf((await run.submit(data))[0]));
      const incidents = await incidentsOf(s);
      expect(incidents).to.have.length(1);
      expect(first.texts[0]).to.equal(incidents[0].id);
      expect(second.texts[0]).to.equal(incidents[0].id);
      expect(first.texts).not.to.include(
        'This incident was already opened: confirming again does not open another one.',
      );
      expect(second.texts).to.include(
        'This incident was already opened: confirming again does not open another one.',
      );
      expect((await benefit(s, B.actionPackPs)).used).to.equal(4);
    });

    it('started from a card with the kind chosen, it checks eligibility and asks for the product first', async function () {
      const { services } = await open();
      const run = incidentRun(services, AVERY, { kind: 'onPremises' });
      await play(run, [
        {
          say: 'hi',
          replies: [
            'This incident will be counted against Microsoft Product Support (7 incidents left).',
            EN.product,
          ],
        },
        { say: 'Exchange Server 2019', replies: [EN.title] },
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------------------
  describe('incident dialog validators: the retry prompt, then the next step after a valid answer', function () {
    type Field =
      | 'kind'
      | 'product'
      | 'title'
      | 'description'
      | 'severity'
      | 'useContact'
      | 'contactName'
      | 'contactEmail'
      | 'contactPhone';

    /** Valid answers in order; each with the replies it gets (the next prompt). */
    const ANSWERS: (Step & { field: Field })[] = [
      {
        field: 'kind',
        say: 'On-premises product',
        replies: [
          'This incident will be counted against Microsoft Product Support (7 incidents left).',
          EN.product,
        ],
      },
      { field: 'product', say: 'SQL Server 2022', replies: [EN.title] },
      { field: 'title', say: 'Login fails', replies: [EN.description] },
      { field: 'description', say: 'Error 18456.', replies: [EN.severity] },
      { field: 'severity', say: 'b', replies: [EN.useContact(AVERY)] },
      { field: 'useContact', say: 'no', replies: [EN.contactName] },
      { field: 'contactName', say: 'Jo', replies: [EN.contactEmail] },
      { field: 'contactEmail', say: 'jo@contoso.example', replies: [EN.phone] },
      { field: 'contactPhone', say: '12345', replies: [EN.review] },
    ];

    interface RetryCase {
      name: string;
      field: Field;
      invalid: string[];
      retry: string;
    }

    const RETRIES: RetryCase[] = [
      {
        name: 'kind that is not one of the choices',
        field: 'kind',
        invalid: ['dunno', 'the fifth'],
        retry: EN.kind,
      },
      {
        name: 'product of one character',
        field: 'product',
        invalid: ['X', '  Y  '],
        retry: EN.invalidProduct,
      },
      {
        name: 'product of 101 characters',
        field: 'product',
        invalid: ['P'.repeat(101)],
        retry: EN.invalidProduct,
      },
      {
        name: 'title too short (4 characters, also once padded with spaces)',
        field: 'title',
        invalid: ['Oops', '   Oops   '],
        retry: EN.invalidTitle,
      },
      {
        name: 'title too long (201 characters)',
        field: 'title',
        invalid: ['t'.repeat(201)],
        retry: EN.invalidTitle,
      },
      {
        name: 'empty description',
        field: 'description',
        invalid: ['', '    '],
        retry: EN.invalidDescription,
      },
      {
        name: 'description too short (9 characters)',
        field: 'description',
        invalid: ['It broke.'],
        retry: EN.invalidDescription,
      },
      {
        name: 'description too long (4001 characters)',
        field: 'description',
        invalid: ['d'.repeat(4001)],
        retry: EN.invalidDescription,
      },
      {
        name: 'severity not A, B or C',
        field: 'severity',
        invalid: ['urgent', 'D', '4'],
        retry: EN.severity,
      },
      {
        name: 'contact name of one character',
        field: 'contactName',
        invalid: ['J'],
        retry: EN.invalidContactName,
      },
      {
        name: 'invalid email',
        field: 'contactEmail',
        invalid: ['jo at contoso', 'jo@contoso', '@contoso.example', 'jo@@contoso.example'],
        retry: EN.invalidEmail,
      },
      {
        name: 'invalid phone',
        field: 'contactPhone',
        invalid: ['call me', '1234', '+1 425 555 0100 ext. 7', '425.555.0100'],
        retry: EN.invalidPhone,
      },
    ];

    for (const c of RETRIES) {
      it(`${c.name}: ${c.invalid.map((v) => JSON.stringify(v.length > 12 ? `${v.slice(0, 8)}…` : v)).join(', ')}`, async function () {
        const { services } = await open();
        const run = incidentRun(services, AVERY);
        const steps: Step[] = [{ say: 'open an incident', replies: [EN.kind] }];
        for (const answer of ANSWERS) {
          if (answer.field === c.field)
            for (const bad of c.invalid) steps.push({ say: bad, replies: [c.retry] });
          steps.push({ say: answer.say, replies: answer.replies });
        }
        const review = await play(run, steps);
        expect(run.status).to.equal(DialogTurnStatus.complete);
        // Only the valid answers reach the draft.
        const card = partsOf(adaptiveCardOf(review[0]));
        expect(card.texts.slice(1, 3)).to.deep.equal(['Login fails', 'Error 18456.']);
        expect(card.facts).to.deep.equal({
          Kind: 'On-premises product',
          Product: 'SQL Server 2022',
          Severity: 'B – high',
          Contact: 'Jo, jo@contoso.example, 12345',
          'Counted against': 'Microsoft Product Support (7 left before this one)',
        });
      });
    }

    it('the lengths at the limits are accepted (product 2/100, title 5/200, description 10/4000)', async function () {
      for (const [product, title, description] of [
        ['Py', 'Fails', 'Error 1234'],
        ['P'.repeat(100), 't'.repeat(200), 'd'.repeat(4000)],
      ]) {
        const { services } = await open();
        const run = incidentRun(services, AVERY);
        await play(run, [
          { say: 'open an incident', replies: [EN.kind] },
          ANSWERS[0],
          { say: product, replies: [EN.title] },
          { say: title, replies: [EN.description] },
          { say: description, replies: [EN.severity] },
        ]);
      }
    });

    it('"skip", "none" and "no" leave the phone empty; after a bad phone the incident gets the valid one', async function () {
      for (const skip of ['skip', 'None', 'no']) {
        const { services, store: s } = await open();
        const run = incidentRun(services, AVERY);
        const review = await play(run, [
          { say: 'open an incident', replies: [EN.kind] },
          ...ANSWERS.slice(0, -1),
          { say: 'call me', replies: [EN.invalidPhone] },
          { say: skip, replies: [EN.review] },
        ]);
        expect(partsOf(adaptiveCardOf(review[0])).facts.Contact, skip).to.equal('Jo, jo@contoso.example');
        await run.submit(confirmData(review));
        const [incident] = await incidentsOf(s);
        expect(incident?.contact, skip).to.deep.equal({
          name: 'Jo',
          email: 'jo@contoso.example',
          phone: null,
        });
      }
    });
  });

  // -------------------------------------------------------------------------------------------------------
  describe('incident dialog in Chinese (locale zh-CN)', function () {
    it('Bao opens an on-premises incident: every prompt, retry and card in Chinese', async function () {
      const { services, store: s } = await open();
      const run = incidentRun(services, BAO);
      const review = await play(run, [
        { say: '我要开一个支持事件', replies: [ZH.kind] },
        { say: '本地产品', replies: [ZH.counted, ZH.product] },
        { say: 'SQL Server 2022', replies: [ZH.title] },
        { say: '服务宕机', replies: [ZH.invalidTitle] },
        { say: '更新后服务无法启动', replies: [ZH.description] },
        { say: '安装最新累积更新后，服务启动时报错 0x80070005 并停止。', replies: [ZH.severity] },
        { say: 'B', replies: [ZH.useContact] },
        { say: '是', replies: [ZH.phone] },
        { say: '打电话给我', replies: [ZH.invalidPhone] },
        { say: '跳过', replies: [ZH.review] },
      ]);
      expect(run.status).to.equal(DialogTurnStatus.complete);
      const card = partsOf(adaptiveCardOf(review[0]));
      expect(card.texts.slice(0, 3)).to.deep.equal([
        '确认开立支持事件',
        '更新后服务无法启动',
        '安装最新累积更新后，服务启动时报错 0x80070005 并停止。',
      ]);
      expect(card.facts).to.deep.equal({
        类型: '本地产品',
        产品: 'SQL Server 2022',
        严重性: 'B – 高',
        联系人: 'Bao Lin, bao.lin@contoso.example',
        计入: 'Microsoft 产品支持 (开立前剩余 7 个)',
      });
      expect(card.texts.at(-1)).to.equal(
        '来源：[合作伙伴中心：“MPN 权益-技术支持事件”](https://learn.microsoft.com/partner-center/mpn-benefits-technical-support)',
      );
      expect(card.actions.map((a) => a.title)).to.deep.equal(['确认', '取消']);

      const opened = partsOf(adaptiveCardOf((await run.submit(confirmData(review)))[0]));
      const [incident] = await incidentsOf(s);
      expect(incident).to.deep.include({
        kind: 'onPremises',
        plan: 'productSupport',
        benefitId: B.actionPackPs,
        title: '更新后服务无法启动',
        severity: 'B',
        openedBy: BAO.aadObjectId,
        contact: { name: 'Bao Lin', email: 'bao.lin@contoso.example', phone: null },
      });
      expect(opened.texts.slice(0, 3)).to.deep.equal([incident.id, '处理中', '更新后服务无法启动']);
      expect(opened.facts).to.deep.include({
        支持计划: 'Microsoft 产品支持',
        类型: '本地产品',
        严重性: 'B – 高',
      });
      expect((await benefit(s, B.actionPackPs)).used).to.equal(4);
    });

    it('Bao declines to be the contact ("不") and gets the Chinese name, email and retry prompts', async function () {
      const { services } = await open();
      const run = incidentRun(services, BAO);
      await play(run, [
        { say: '开事件', replies: [ZH.kind] },
        { say: '2', replies: ['此事件将计入 签名云支持（无限制）。', ZH.product] },
        { say: 'Azure Functions', replies: [ZH.title] },
        { say: '函数应用部署后无法触发', replies: [ZH.description] },
        { say: '', replies: ['描述需为 10–4000 个字符：请说明出错的内容和看到的错误。'] },
        { say: '计时器触发器从部署后不再运行，日志中没有任何错误。', replies: [ZH.severity] },
        { say: '紧急', replies: [ZH.severity] },
        { say: 'A', replies: [ZH.useContact] },
        { say: '不', replies: ['Microsoft 应联系谁？（姓名）'] },
        { say: '王', replies: ['请填写 2–100 个字符的姓名。'] },
        { say: '王芳', replies: ['联系人的电子邮件地址？'] },
        { say: '王芳的邮箱', replies: ['这不是有效的电子邮件地址，请重试，例如 name@contoso.com。'] },
        { say: 'wang.fang@contoso.example', replies: [ZH.phone] },
        { say: '+86 10 5555 0100', replies: [ZH.review] },
      ]);
      expect(run.status).to.equal(DialogTurnStatus.complete);
    });

    for (const [answer, next] of [
      ['否', 'Microsoft 应联系谁？（姓名）'],
      ['不用', 'Microsoft 应联系谁？（姓名）'],
      ['好的', ZH.phone],
      ['是', ZH.phone],
    ] as const) {
      it(`everyday Chinese answers to a yes/no question work: "${answer}"`, async function () {
        const { services } = await open();
        const run = incidentRun(services, BAO);
        await play(run, [
          { say: '开事件', replies: [ZH.kind] },
          { say: '2', replies: ['此事件将计入 签名云支持（无限制）。', ZH.product] },
          { say: 'Azure Functions', replies: [ZH.title] },
          { say: '函数应用部署后无法触发', replies: [ZH.description] },
          { say: '计时器触发器从部署后不再运行，日志中没有任何错误。', replies: [ZH.severity] },
          { say: 'A', replies: [ZH.useContact] },
          { say: answer, replies: [next] },
        ]);
      });
    }
  });

  // -------------------------------------------------------------------------------------------------------
  describe('a locale the bot does not speak (fr-FR)', function () {
    it('the choice and yes/no prompts are in English like the rest, and are answered in English', async function () {
      const { services } = await open();
      const avery = { ...AVERY, locale: 'fr-FR' as const };
      const run = incidentRun(services, avery);
      await play(run, [
        { say: 'open an incident', replies: [EN.kind] },
        {
          say: 'On-premises product',
          replies: [
            'This incident will be counted against Microsoft Product Support (7 incidents left).',
            EN.product,
          ],
        },
        { say: 'SQL Server 2022', replies: [EN.title] },
        { say: 'Login fails', replies: [EN.description] },
        { say: 'Error 18456.', replies: [EN.severity] },
        // botbuilder's French defaults would list "[Oui | Non]" here and recognise French numbers.
        { say: 'b', replies: [EN.useContact(avery)] },
        { say: 'yes', replies: [EN.phone] },
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------------------
  describe('refusals inside the incident dialog', function () {
    interface RefusalCase {
      name: string;
      who: Person;
      doc: () => unknown;
      kind: string;
      /** The same kind as a card button carries it. */
      kindId: IncidentKind;
      error: new (...args: never[]) => BenefitRuleError;
      rules: string[];
      /** The refusal card the user sees (MessageRouter): title, then paragraphs, then the source line. */
      card: string[];
    }

    const start = (p: Person) =>
      p.locale === 'zh-CN'
        ? { say: '我想开一个事件', replies: [ZH.kind] }
        : { say: 'open an incident', replies: [EN.kind] };

    const exhausted = () =>
      demoDoc(
        [
          B.actionPackPs,
          { activation: 'active', accessId: 'AP-7741-2093', contractId: 'CT-55120-AP', used: 10 },
        ],
        [
          B.goldCloudPs,
          { activation: 'active', accessId: 'GCP-3308-1176', contractId: 'CT-88231-GCP', used: 20 },
        ],
      );
    const signatureNotActive = () =>
      demoDoc(
        [B.goldCloudSig, { activation: 'pending', requestedBy: BAO.aadObjectId }],
        [B.goldAppDevSig, {}],
      );

    const CASES: RefusalCase[] = [
      {
        name: 'Eli (CSP-only) choosing an on-premises product → R4',
        who: ELI,
        doc: demoDoc,
        kind: 'On-premises product',
        kindId: 'onPremises',
        error: NotAuthorizedError,
        rules: ['R4'],
        card: [
          'You are not authorized for this action',
          'You must have an MPN associated account.',
          'Your account is associated only with CSP (or not with MPN). Use your MPN-associated account, or ask an admin to associate yours.',
          EN.source,
        ],
      },
      {
        name: 'Eli (CSP-only, not an Admin agent) choosing Azure for a CSP customer → R3',
        who: ELI,
        doc: demoDoc,
        kind: 'Azure, for a CSP customer',
        kindId: 'cspAzure',
        error: RoleRequiredError,
        rules: ['R3'],
        card: [
          'You are not authorized for this action',
          'Azure requests for CSP customers are made by users with the Admin agent role.',
          EN.source,
        ],
      },
      {
        name: 'Dev, on-premises, every Product Support incident used → R11/R14',
        who: DEV,
        doc: exhausted,
        kind: 'On-premises product',
        kindId: 'onPremises',
        error: QuotaExceededError,
        rules: ['R11', 'R14'],
        card: [
          'No support incidents left',
          'All 30 incidents of Microsoft Product Support have been used.',
          'The benefits are associated to your user account until they expire or there are no more support incidents remaining.',
          'For more support: Premier Support for Partners, or Advanced Support for Partners (cloud products only).',
          EN.source,
        ],
      },
      {
        name: 'Fang (zh-CN), cloud, Signature Cloud Support pending / not activated → R7, in Chinese',
        who: FANG,
        doc: signatureNotActive,
        kind: '云产品',
        kindId: 'cloud',
        error: BenefitNotActivatedError,
        rules: ['R7', 'R8'],
        card: [
          '签名云支持尚未激活',
          '必须先激活你的技术支持权益，然后才能使用这些权益。',
          '当前状态：激活待处理、未激活。', // gold-cloud-platform; gold-application-development and silver-data-analytics
          '需要几天时间来处理激活请求。',
          '来源：[合作伙伴中心：“MPN 权益-技术支持事件”](https://learn.microsoft.com/partner-center/mpn-benefits-technical-support)',
        ],
      },
    ];

    for (const c of CASES) {
      it(`DialogTestClient: ${c.name} — the step throws the typed refusal, before any question`, async function () {
        const { services, store: s } = await open(c.doc());
        const usedBefore = await usedOf(s);
        const run = incidentRun(services, c.who);
        await play(run, [start(c.who)]);

        let thrown: unknown;
        await run.say(c.kind).catch((err: unknown) => (thrown = err));
        expect(thrown, 'the dialog error').to.be.instanceOf(DialogContextError);
        const refusal = thrown instanceof DialogContextError ? thrown.error : undefined;
        expect(refusal).to.be.instanceOf(c.error);
        expect(refusal instanceof BenefitRuleError ? [...refusal.rules] : []).to.deep.equal(c.rules);
        expect(run.client.getNextReply(), 'nothing asked, nothing counted').to.equal(undefined);
        expect(await incidentsOf(s)).to.deep.equal([]);
        expect(await usedOf(s)).to.deep.equal(usedBefore);
      });

      it(`as the bot runs it (MessageRouter): ${c.name} — the refusal card, and the dialog is over`, async function () {
        const { services, store: s } = await open(c.doc());
        const usedBefore = await usedOf(s);
        const bot = routerRun(services, s, classifier);

        expect((await bot.say(c.who, start(c.who).say)).map(shown)).to.deep.equal(start(c.who).replies);
        expect(bot.activeDialog()).to.equal(INCIDENT_DIALOG);

        const replies = await bot.say(c.who, c.kind);
        expect(replies).to.have.length(1);
        const card = adaptiveCardOf(replies[0]);
        expect(partsOf(card).texts).to.deep.equal(c.card);
        expect(bot.activeDialog(), 'no dialog left waiting').to.equal(undefined);
        expect(bot.logs.lines.filter((l) => l.level === 'error')).to.deep.equal([]);
        expect(bot.logs.lines.find((l) => l.msg === 'request refused')?.fields.rules).to.deep.equal(c.rules);

        // The next message is a new request, not an answer to the product prompt.
        expect((await bot.say(c.who, start(c.who).say)).map(shown)).to.deep.equal(start(c.who).replies);
        expect(await incidentsOf(s)).to.deep.equal([]);
        expect(await usedOf(s)).to.deep.equal(usedBefore);
      });

      it(`started by a card button with the kind (Action.Submit): ${c.name} — the refusal card, and the dialog is over`, async function () {
        const { services, store: s } = await open(c.doc());
        const bot = routerRun(services, s, classifier);

        const replies = await bot.submit(c.who, { verb: 'incident.start', kind: c.kindId });
        expect(replies).to.have.length(1);
        expect(partsOf(adaptiveCardOf(replies[0])).texts).to.deep.equal(c.card);
        expect(bot.activeDialog(), 'no dialog left waiting').to.equal(undefined);
        expect(bot.logs.lines.filter((l) => l.level === 'error')).to.deep.equal([]);
        expect(bot.logs.lines.find((l) => l.msg === 'request refused')?.fields.rules).to.deep.equal(c.rules);
        expect((await bot.say(c.who, start(c.who).say)).map(shown)).to.deep.equal(start(c.who).replies);
        expect(await incidentsOf(s)).to.deep.equal([]);
      });
    }
  });

  // -------------------------------------------------------------------------------------------------------
  describe('interruptions inside a dialog (MessageRouter)', function () {
    const classifierForRouter = createClassifier();
    const cases: { name: string; who: Person; answers: string[]; expectPrompt: RegExp }[] = [
      {
        name: 'a title that starts with "Stop" is an answer, not a cancel',
        who: AVERY,
        answers: ['open an incident', 'On-premises product', 'Windows Server 2022', 'Stop error 0x0000007B'],
        expectPrompt: /Describe the problem/,
      },
      {
        name: 'a product named "Help desk app" is an answer, not a help request',
        who: AVERY,
        answers: ['open an incident', 'On-premises product', 'Help desk app'],
        expectPrompt: /short title/,
      },
      {
        name: '"服务停止运行了" as a Chinese title is an answer, not a cancel',
        who: BAO,
        answers: ['我想开一个事件', '本地产品', 'SQL Server 2022', '服务停止运行了'],
        expectPrompt: /描述/,
      },
    ];
    for (const c of cases) {
      it(c.name, async function () {
        const { services, store: s } = await open();
        const bot = routerRun(services, s, classifierForRouter);
        let last: Partial<Activity>[] = [];
        for (const a of c.answers) last = await bot.say(c.who, a);
        expect(last.map(shown).join(' ')).to.match(c.expectPrompt);
        expect(bot.activeDialog()).to.equal(INCIDENT_DIALOG);
      });
    }
    it('"cancel" and "取消" still end the dialog; "help" shows help and asks again', async function () {
      const { services, store: s } = await open();
      const bot = routerRun(services, s, classifierForRouter);
      await bot.say(AVERY, 'open an incident');
      const help = await bot.say(AVERY, 'help');
      expect(help).to.have.length(2);
      expect(bot.activeDialog()).to.equal(INCIDENT_DIALOG);
      expect((await bot.say(AVERY, 'cancel')).map(shown).join(' ')).to.match(/Cancelled/);
      expect(bot.activeDialog()).to.equal(undefined);
      await bot.say(BAO, '我想开一个事件');
      expect((await bot.say(BAO, '取消。')).map(shown).join(' ')).to.match(/已取消/);
      expect(bot.activeDialog()).to.equal(undefined);
    });
  });

  describe('incident dialog state (issue 10 item 5: only what later steps use)', function () {
    const classifierForRouter = createClassifier();
    const UP_TO_SEVERITY = [
      'open an incident',
      'On-premises product',
      'Windows Server 2022',
      'Server stops',
      'The server stops every night at 2 am.',
    ];
    const REST = ['B', 'yes', 'skip'];

    /** Every stored bot state row of the file, parsed, read through another connection. */
    const storedState = (s: SqliteStore): unknown[] => {
      const db = new Database(s.db.name, { readonly: true });
      try {
        return (db.prepare('SELECT data FROM bot_state').pluck().all() as string[]).map((d) => JSON.parse(d));
      } finally {
        db.close();
      }
    };
    /** The objects under `key` anywhere in a stored value. */
    const found = (value: unknown, key: string): unknown[] => {
      if (typeof value !== 'object' || value === null) return [];
      const own = Object.hasOwn(value, key) ? [(value as Record<string, unknown>)[key]] : [];
      return [...own, ...Object.values(value).flatMap((v) => found(v, key))];
    };

    it('keeps the plan, incidents left and contact offered, not the whole eligibility result', async function () {
      const { services, store: s } = await open();
      const bot = routerRun(services, s, classifierForRouter);
      for (const a of UP_TO_SEVERITY) await bot.say(AVERY, a);
      const state = storedState(s);
      expect(found(state, 'eligibility')).to.deep.equal([]);
      const offered = found(state, 'offered');
      expect(offered).to.have.length(1);
      expect(Object.keys(offered[0] as object).sort()).to.deep.equal(['contact', 'plan', 'remaining']);
      for (const a of REST) await bot.say(AVERY, a);
      const after = storedState(s);
      expect(found(after, 'idempotencyKey'), 'a draft was saved').to.not.deep.equal([]);
      expect(found(after, 'eligibility'), 'nor in the draft').to.deep.equal([]);
    });

    it('a dialog stored by the previous version (whole eligibility result) goes on to the same confirmation', async function () {
      // The reference: the same answers with this version throughout.
      const fresh = await open();
      const freshBot = routerRun(fresh.services, fresh.store, classifierForRouter);
      for (const a of UP_TO_SEVERITY) await freshBot.say(AVERY, a);
      const expected: string[][] = [];
      for (const a of REST) expected.push((await freshBot.say(AVERY, a)).map(shown));

      const { services, store: s } = await open();
      const bot = routerRun(services, s, classifierForRouter);
      for (const a of UP_TO_SEVERITY) await bot.say(AVERY, a);
      const eligibility = await services.incidents.eligibility(
        { tenantId: TENANT, aadObjectId: AVERY.aadObjectId },
        'onPremises',
      );
      // Rewritten as the previous version stored it, by another connection (as an upgrade would find it).
      const db = new Database(s.db.name);
      try {
        const rows = db.prepare('SELECT key, data FROM bot_state').all() as { key: string; data: string }[];
        let rewritten = 0;
        for (const row of rows) {
          const data = JSON.parse(row.data, (_key, value: unknown) => {
            if (typeof value === 'object' && value !== null && Object.hasOwn(value, 'offered')) {
              const previous: Record<string, unknown> = { ...value, eligibility };
              delete previous.offered;
              rewritten++;
              return previous;
            }
            return value;
          }) as unknown;
          db.prepare('UPDATE bot_state SET data = ? WHERE key = ?').run(JSON.stringify(data), row.key);
        }
        expect(rewritten).to.equal(1);
      } finally {
        db.close();
      }
      expect(found(storedState(s), 'eligibility')).to.have.length(1);

      const replies: string[][] = [];
      for (const a of REST) replies.push((await bot.say(AVERY, a)).map(shown));
      expect(replies).to.deep.equal(expected);
      expect(replies[0].join(' ')).to.include('Avery Chen, avery.chen@contoso.example');
      expect(bot.logs.lines.filter((l) => l.level === 'error')).to.deep.equal([]);
      expect(found(storedState(s), 'eligibility'), 'the next save leaves it out').to.deep.equal([]);
    });
  });

  describe('activation dialog', function () {
    /**
     * As shipped, Avery (Global admin) can activate two benefits: Silver Data Analytics' Signature Cloud
     * Support (granted by the offer, never requested) and Gold Application Development's Product Support
     * (rejected). Everything else is active or pending.
     */
    const CHOOSE =
      'Which benefit should be activated? [Signature Cloud Support — Silver competency (Data Analytics) | Microsoft Product Support — Gold competency (Application Development)]';
    /** What the hero card's button sends back (imBack of the label). */
    const APP_DEV = 'Microsoft Product Support — Gold competency (Application Development)';
    const CONFIRM_APP_DEV =
      'Request activation of Microsoft Product Support — Gold competency (Application Development)? Allow a few days to process your activation request. [Yes | No]';
    /** With Silver Data Analytics' Signature Cloud Support already requested, only one is left. */
    const oneToActivate = () =>
      demoDoc([B.silverDataSig, { activation: 'pending', requestedBy: BAO.aadObjectId }]);

    it('Dev (member) is refused at the first step (R2), and nothing changes', async function () {
      const { services, store: s } = await open();
      const before = await activationsOf(s);
      const run = activationRun(services, DEV);
      let thrown: unknown;
      await run.say('activate a benefit').catch((err: unknown) => (thrown = err));
      expect(thrown).to.be.instanceOf(DialogContextError);
      const refusal = thrown instanceof DialogContextError ? thrown.error : undefined;
      expect(refusal).to.be.instanceOf(RoleRequiredError);
      expect(refusal instanceof RoleRequiredError ? [refusal.action, ...refusal.rules] : []).to.deep.equal([
        'activate',
        'R2',
      ]);
      expect(run.client.getNextReply(), 'no question asked').to.equal(undefined);
      expect(await activationsOf(s)).to.deep.equal(before);
    });

    it('as the bot runs it (MessageRouter): Dev sees the R2 refusal card and no dialog is left', async function () {
      const { services, store: s } = await open();
      const bot = routerRun(services, s, classifier);
      const replies = await bot.say(DEV, 'activate a benefit');
      expect(replies).to.have.length(1);
      expect(partsOf(adaptiveCardOf(replies[0])).texts).to.deep.equal([
        'You are not authorized for this action',
        'The user account used for activation requires the Global Admin or MPN Partner Admin roles.',
        EN.source,
      ]);
      expect(bot.activeDialog()).to.equal(undefined);
    });

    it('Avery picks one of two benefits (button), confirms, and it is pending (R8) in the database', async function () {
      const { services, store: s } = await open();
      const before = await activationsOf(s);
      expect(before[B.silverDataSig]).to.equal('notActivated');
      expect(before[B.goldAppDevPs]).to.equal('rejected');
      const run = activationRun(services, AVERY);

      const [status] = await play(run, [
        { say: 'activate', replies: [CHOOSE] },
        { say: APP_DEV, replies: [CONFIRM_APP_DEV] },
        { say: 'yes', replies: ['<card: Activation pending>'] },
      ]);
      expect(run.status).to.equal(DialogTurnStatus.complete);
      const card = partsOf(adaptiveCardOf(status));
      expect(card.texts).to.deep.equal([
        'Activation pending',
        'Microsoft Product Support — Gold competency: Application Development (other competency)',
        'The activation request has been sent to Microsoft.',
        'Allow a few days to process your activation request.',
        'Access ID and Contract ID will be displayed after successful activation.',
        EN.source,
      ]);
      expect(card.facts).to.deep.equal({ Requested: '2026-06-15 09:00 UTC', Expires: '2027-03-07' });
      expect(run.result).to.deep.include({ changed: true });

      const requested = await benefit(s, B.goldAppDevPs);
      expect(requested.activation).to.deep.include({
        state: 'pending',
        requestedBy: AVERY.aadObjectId,
        requestedAt: NOW,
        accessId: null,
        contractId: null,
      });
      expect(await activationsOf(s)).to.deep.equal({ ...before, [B.goldAppDevPs]: 'pending' });
      const audit = await s.read((tx) => tx.audit.list(TENANT));
      expect(
        audit.filter((a) => a.action === 'activation.requested').map((a) => [a.actor, a.subject, a.at]),
      ).to.deep.equal([[AVERY.aadObjectId, B.goldAppDevPs, NOW]]);
    });

    it('Avery picks the first benefit by number and gets the same flow for it', async function () {
      const { services, store: s } = await open();
      const run = activationRun(services, AVERY);
      await play(run, [
        { say: 'activate', replies: [CHOOSE] },
        {
          say: '1',
          replies: [
            'Request activation of Signature Cloud Support — Silver competency (Data Analytics)? Allow a few days to process your activation request. [Yes | No]',
          ],
        },
        { say: 'Yes', replies: ['<card: Activation pending>'] },
      ]);
      expect((await benefit(s, B.silverDataSig)).activation.state).to.equal('pending');
      expect((await benefit(s, B.goldAppDevPs)).activation.state).to.equal('rejected');
    });

    it('declining the confirmation changes nothing', async function () {
      const { services, store: s } = await open();
      const before = await s.read((tx) => tx.benefits.list(TENANT));
      const auditBefore = await s.read((tx) => tx.audit.list(TENANT));
      const run = activationRun(services, AVERY);
      await play(run, [
        { say: 'activate', replies: [CHOOSE] },
        { say: APP_DEV, replies: [CONFIRM_APP_DEV] },
        { say: 'no', replies: ['OK, nothing was requested.'] },
      ]);
      expect(run.status).to.equal(DialogTurnStatus.complete);
      expect(run.result).to.equal(undefined);
      expect(await s.read((tx) => tx.benefits.list(TENANT))).to.deep.equal(before);
      expect(await s.read((tx) => tx.audit.list(TENANT))).to.deep.equal(auditBefore);
    });

    it('with one benefit to activate there is no choice, only the confirmation', async function () {
      const { services, store: s } = await open(oneToActivate());
      const run = activationRun(services, AVERY);
      await play(run, [
        { say: 'activate', replies: [CONFIRM_APP_DEV] },
        { say: 'y', replies: ['<card: Activation pending>'] },
      ]);
      expect((await benefit(s, B.goldAppDevPs)).activation.state).to.equal('pending');
    });

    it('Bao (MPN partner admin, zh-CN) gets the choice, confirmation and card in Chinese', async function () {
      const { services, store: s } = await open();
      const run = activationRun(services, BAO);
      const [status] = await play(run, [
        {
          say: '激活权益',
          replies: [
            '要激活哪项权益？ [签名云支持 — 银牌能力（数据分析） | Microsoft 产品支持 — 金牌能力（应用开发）]',
          ],
        },
        {
          say: '1',
          replies: ['请求激活 签名云支持 — 银牌能力（数据分析）？需要几天时间来处理激活请求。 [是的 | 不]'],
        },
        { say: '是的', replies: ['<card: 激活待处理>'] },
      ]);
      expect(partsOf(adaptiveCardOf(status)).texts.slice(1, 4)).to.deep.equal([
        '签名云支持 — 银牌能力：数据分析（其他能力）',
        '激活请求已提交给 Microsoft。',
        '需要几天时间来处理激活请求。',
      ]);
      expect((await benefit(s, B.silverDataSig)).activation).to.deep.include({
        state: 'pending',
        requestedBy: BAO.aadObjectId,
      });
    });

    it('when the benefit asked for is already active, it says so and ends without a change', async function () {
      const { services, store: s } = await open();
      const before = await activationsOf(s);
      const run = activationRun(services, AVERY, { benefitId: B.actionPackPs });
      await play(run, [
        {
          say: 'activate',
          replies: [
            'Every benefit is already active or waiting for Microsoft to process the request. Say "benefits" to see their status.',
          ],
        },
      ]);
      expect(run.status).to.equal(DialogTurnStatus.complete);
      expect(await activationsOf(s)).to.deep.equal(before);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// The production wiring of bot/app.ts, without HTTP: MessageRouter over a DialogSet with both dialogs.
// ---------------------------------------------------------------------------------------------------------

function routerRun(services: Services, store: SqliteStore, classifier: IntentClassifier) {
  const cards = new CardRenderer({ cache: true });
  const state = new PrivateConversationState(new DatabaseStorage(store, services.clock));
  const dialogState = state.createProperty<DialogState>('dialogState');
  const dialogs = new DialogSet(dialogState);
  const drafts = state.createProperty<IncidentDrafts>('incidentDrafts');
  const all: Dialog[] = [new ActivationDialog(services, cards), new IncidentDialog(services, drafts, cards)];
  all.forEach((d) => dialogs.add(d));
  expect(all.map((d) => d.id)).to.deep.equal([ACTIVATION_DIALOG, INCIDENT_DIALOG]);
  const logs = memoryLogger();
  const cardActions = new CardActions({ services, dialogs, drafts, logger: logs, cards });
  const router = new MessageRouter({
    services,
    dialogs,
    dialogState,
    classifier,
    cardActions,
    logger: logs,
    cards,
  });
  let active: string | undefined;
  const adapter = new TestAdapter(async (context) => {
    await router.handle(context);
    active = (await dialogs.createContext(context)).activeDialog?.id;
    await state.saveChanges(context, false);
  });
  return {
    logs,
    activeDialog: () => active,
    async say(who: Person, text: string): Promise<Partial<Activity>[]> {
      await adapter.processActivity(messageFrom(who, text));
      return adapter.activeQueue.splice(0);
    },
    /** A card button's Action.Submit fallback: a message whose value carries the verb. */
    async submit(who: Person, value: Record<string, unknown>): Promise<Partial<Activity>[]> {
      await adapter.processActivity(messageFrom(who, undefined, value));
      return adapter.activeQueue.splice(0);
    },
  };
}
