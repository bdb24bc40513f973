import { choicePromptDefaults, confirmChoiceDefaults } from './confirmChoices';
import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory, type StatePropertyAccessor } from 'botbuilder';
import {
  ChoiceFactory,
  ChoicePrompt,
  ComponentDialog,
  ConfirmPrompt,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { incidentConfirmCard, type CardRenderer } from '../cards';
import { NAMES } from '../services/domain/facts';
import { INCIDENT_KINDS, type IncidentKind, type Severity } from '../services/domain/types';
import type { Services } from '../services/index';
import type { IncidentEligibility } from '../services/incidents/incidentService';
import { INCIDENT_FIELD_CHECKS } from '../services/incidents/validation';
import { userRefOf } from './identity';
import { incidentKindNamed, kindOfProductNamed } from './understanding/entities';
import { saveDraft, type IncidentDrafts } from './incidentDrafts';
import { languageOf } from './language';
import { PROMPTS, remainingText, sentences, SKIP_WORDS } from './prompts';

export const INCIDENT_DIALOG = 'incidentDialog';
const STEPS = 'incidentSteps';
const KIND = 'incidentKind';
/** The kind question's prompt (dialogs/newQuestion.ts: what typed there answers it). */
export const INCIDENT_KIND_PROMPT = KIND;
const SEVERITY = 'incidentSeverity';
const USE_CONTACT = 'incidentUseContact';
const TEXT = {
  product: 'incidentProduct',
  title: 'incidentTitle',
  description: 'incidentDescription',
  contactName: 'incidentContactName',
  contactEmail: 'incidentContactEmail',
  contactPhone: 'incidentContactPhone',
} as const;

/**
 * The incident dialog's prompts whose answer is a name or a value, never a sentence: a question
 * typed there is answered aside (dialogs/newQuestion.ts). The title and description keep
 * everything typed.
 */
export const INCIDENT_VALUE_PROMPTS: readonly string[] = [
  TEXT.product,
  TEXT.contactName,
  TEXT.contactEmail,
  TEXT.contactPhone,
];

export interface IncidentDialogOptions {
  kind?: IncidentKind;
  /** The kind was read from what the person typed (not picked on a card): say which was taken. */
  kindFromMessage?: boolean;
}

/**
 * What later steps use of the eligibility check: the plan and incidents left for the confirmation
 * card, and the person's own name and email, offered as the contact. Its benefit id and expiry are
 * not kept in the dialog state (opening the incident checks eligibility again).
 */
type Offered = Pick<IncidentEligibility, 'plan' | 'remaining' | 'contact'>;

interface Gathered {
  kind: IncidentKind;
  offered: Offered;
  product: string;
  title: string;
  description: string;
  severity: Severity;
  contactName: string;
  contactEmail: string;
}

/** The kind prompt's answer: a button, or a product typed there (kindOrProduct), kept for the product step. */
type KindAnswer = FoundChoice & { product?: string };

const SEVERITIES: Severity[] = ['A', 'B', 'C'];
/** The kinds in INCIDENT_KINDS' order, as the choice buttons and the pre-selected kind are worded. */
const KIND_LABELS = {
  onPremises: PROMPTS.kindOnPremises,
  cloud: PROMPTS.kindCloud,
  cspAzure: PROMPTS.kindCspAzure,
} as const satisfies Record<IncidentKind, unknown>;

/**
 * The gathered values, with what the eligibility step offered. A dialog stored before `offered`
 * existed kept the whole eligibility result instead; it goes on from that, and the next save
 * leaves the rest out.
 */
function gathered(step: WaterfallStepContext): Gathered {
  const values = step.values as Gathered & { eligibility?: IncidentEligibility };
  if (!values.offered && values.eligibility) {
    const { plan, remaining, contact } = values.eligibility;
    values.offered = { plan, remaining, contact: { name: contact.name, email: contact.email } };
  }
  delete values.eligibility;
  return values;
}

/**
 * Opening an incident: kind → eligibility (refused early, before any typing) → product,
 * title, description, severity, contact → a confirmation card carrying an idempotency key.
 * The incident is opened when the card is confirmed, so double clicks and Teams' retries
 * replay the same key and never open two.
 */
export class IncidentDialog extends ComponentDialog {
  constructor(
    private readonly services: Services,
    private readonly drafts: StatePropertyAccessor<IncidentDrafts>,
    private readonly cards: CardRenderer,
  ) {
    super(INCIDENT_DIALOG);
    this.addDialog(
      new ChoicePrompt(KIND, (prompt) => this.kindOrProduct(prompt), 'en-us', choicePromptDefaults()),
    );
    this.addDialog(new ChoicePrompt(SEVERITY, undefined, 'en-us', choicePromptDefaults()));
    this.addDialog(new ConfirmPrompt(USE_CONTACT, undefined, 'en-us', confirmChoiceDefaults()));
    for (const [field, id] of Object.entries(TEXT) as [keyof typeof TEXT, string][]) {
      this.addDialog(new TextPrompt(id, (prompt) => this.validate(field, prompt)));
    }
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.askKind.bind(this),
        this.checkEligibility.bind(this),
        this.askTitle.bind(this),
        this.askDescription.bind(this),
        this.askSeverity.bind(this),
        this.askUseContact.bind(this),
        this.askContactName.bind(this),
        this.askContactEmail.bind(this),
        this.askPhone.bind(this),
        this.review.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /** Shared checks from the service layer, so the dialog and the service never disagree. */
  private async validate(field: keyof typeof TEXT, prompt: PromptValidatorContext<string>): Promise<boolean> {
    const value = (prompt.recognized.value ?? '').trim();
    if (field === 'contactPhone' && SKIP_WORDS.includes(value.toLowerCase())) return true;
    const problem = INCIDENT_FIELD_CHECKS[field](value);
    if (problem === null) return true;
    const lang = languageOf(prompt.context.activity.locale);
    await prompt.context.sendActivity(PROMPTS.invalid[field][lang]);
    return false;
  }

  /**
   * Typed where the kind is asked: a product ("Windows Server 2019") answers it, and is kept, so
   * the product question is not asked; the kind in other words ("on prem", "云") answers it too.
   * Anything else asks again.
   */
  private async kindOrProduct(prompt: PromptValidatorContext<FoundChoice>): Promise<boolean> {
    if (prompt.recognized.succeeded) return true;
    const text = (prompt.context.activity.text ?? '').trim();
    const ofProduct = kindOfProductNamed(text);
    const kind = ofProduct ?? incidentKindNamed(text);
    if (!kind) return false;
    const answer: KindAnswer = { value: kind, index: INCIDENT_KINDS.indexOf(kind), score: 1 };
    if (ofProduct && INCIDENT_FIELD_CHECKS.product(text) === null) answer.product = text;
    prompt.recognized.value = answer;
    return true;
  }

  private who(step: WaterfallStepContext) {
    const who = userRefOf(step.context.activity);
    if (!who) throw new Error('activity without tenant or Entra object id');
    return who;
  }

  private async askKind(step: WaterfallStepContext) {
    const options = (step.options ?? {}) as IncidentDialogOptions;
    if (options.kind && INCIDENT_KINDS.includes(options.kind)) return step.next(options.kind);
    const lang = languageOf(step.context.activity.locale);
    return step.prompt(KIND, {
      prompt: PROMPTS.incidentKind[lang],
      choices: ChoiceFactory.toChoices(INCIDENT_KINDS.map((k) => KIND_LABELS[k][lang])),
      style: ListStyle.heroCard,
    });
  }

  private async checkEligibility(step: WaterfallStepContext) {
    const lang = languageOf(step.context.activity.locale);
    const answer = step.result as IncidentKind | KindAnswer;
    const kind: IncidentKind = typeof answer === 'string' ? answer : INCIDENT_KINDS[answer.index];
    const typedProduct = typeof answer === 'string' ? undefined : answer.product;
    const eligibility = await this.services.incidents.eligibility(this.who(step), kind); // refusals end the dialog
    const offered: Offered = {
      plan: eligibility.plan,
      remaining: eligibility.remaining,
      contact: { name: eligibility.contact.name, email: eligibility.contact.email },
    };
    Object.assign(step.values, { kind, offered } satisfies Partial<Gathered>);
    // A kind taken from the request is said, so a wrong guess can be cancelled.
    const fromMessage = ((step.options ?? {}) as IncidentDialogOptions).kindFromMessage === true;
    const taken = typedProduct
      ? [PROMPTS.productTaken(typedProduct, KIND_LABELS[kind][lang])[lang]]
      : fromMessage
        ? [PROMPTS.kindTaken(KIND_LABELS[kind][lang])[lang]]
        : [];
    const counted =
      eligibility.plan === 'cloudSolutionProvider'
        ? PROMPTS.noIncidentConsumed[lang]
        : PROMPTS.countedAgainst(NAMES[eligibility.plan][lang], remainingText(eligibility.remaining, lang))[
            lang
          ];
    await step.context.sendActivity(sentences(lang, ...taken, counted));
    if (typedProduct) return step.next(typedProduct); // askTitle takes it as the product
    return step.prompt(TEXT.product, { prompt: PROMPTS.product[lang] });
  }

  private async askTitle(step: WaterfallStepContext) {
    (step.values as Gathered).product = String(step.result).trim();
    return step.prompt(TEXT.title, { prompt: PROMPTS.title[languageOf(step.context.activity.locale)] });
  }

  private async askDescription(step: WaterfallStepContext) {
    (step.values as Gathered).title = String(step.result).trim();
    return step.prompt(TEXT.description, {
      prompt: PROMPTS.description[languageOf(step.context.activity.locale)],
    });
  }

  private async askSeverity(step: WaterfallStepContext) {
    (step.values as Gathered).description = String(step.result).trim();
    const lang = languageOf(step.context.activity.locale);
    return step.prompt(SEVERITY, {
      prompt: PROMPTS.severity[lang],
      // The hero card titles its buttons with the choice value, so the value is the full label.
      choices: SEVERITIES.map((s) => ({
        value: PROMPTS[`severity${s}`][lang],
        synonyms: [s, s.toLowerCase()],
      })),
      style: ListStyle.heroCard,
    });
  }

  private async askUseContact(step: WaterfallStepContext) {
    const values = gathered(step);
    values.severity = SEVERITIES[(step.result as { index: number }).index];
    const lang = languageOf(step.context.activity.locale);
    const { name, email } = values.offered.contact;
    return step.prompt(USE_CONTACT, {
      prompt: PROMPTS.useContact(name, email)[lang],
      style: ListStyle.suggestedAction,
    });
  }

  private async askContactName(step: WaterfallStepContext) {
    const values = gathered(step);
    if (step.result === true) {
      values.contactName = values.offered.contact.name;
      values.contactEmail = values.offered.contact.email;
      return step.next();
    }
    return step.prompt(TEXT.contactName, {
      prompt: PROMPTS.contactName[languageOf(step.context.activity.locale)],
    });
  }

  private async askContactEmail(step: WaterfallStepContext) {
    const values = gathered(step);
    if (values.contactEmail) return step.next();
    values.contactName = String(step.result).trim();
    return step.prompt(TEXT.contactEmail, {
      prompt: PROMPTS.contactEmail[languageOf(step.context.activity.locale)],
    });
  }

  private async askPhone(step: WaterfallStepContext) {
    const values = gathered(step);
    if (!values.contactEmail) values.contactEmail = String(step.result).trim();
    return step.prompt(TEXT.contactPhone, {
      prompt: PROMPTS.phone[languageOf(step.context.activity.locale)],
    });
  }

  private async review(step: WaterfallStepContext) {
    const values = gathered(step);
    const lang = languageOf(step.context.activity.locale);
    const phoneRaw = String(step.result ?? '').trim();
    const phone = SKIP_WORDS.includes(phoneRaw.toLowerCase()) ? null : phoneRaw;
    const idempotencyKey = `card-${randomUUID()}`;
    const input = {
      kind: values.kind,
      product: values.product,
      title: values.title,
      description: values.description,
      severity: values.severity,
      contact: { name: values.contactName, email: values.contactEmail, phone },
      idempotencyKey,
    };
    await saveDraft(this.drafts, step.context, { input, createdAt: new Date().toISOString() });
    const card = incidentConfirmCard(
      this.cards,
      { ...input, benefitType: values.offered.plan, remaining: values.offered.remaining },
      lang,
      idempotencyKey,
    );
    await step.context.sendActivity(
      MessageFactory.attachment(CardFactory.adaptiveCard(card), PROMPTS.reviewBelow[lang]),
    );
    return step.endDialog({ idempotencyKey });
  }
}
