import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { DialogSet } from 'botbuilder-dialogs';
import {
  activationConfirmCard,
  alertSettingsCard,
  activationIdsFormCard,
  activationStatusCard,
  benefitsCard,
  helpCard,
  incidentCard,
  incidentListCard,
  VERBS,
  type AdaptiveCard,
  type CardRenderer,
} from '../cards';
import { INCIDENT_DIALOG, type IncidentDialogOptions } from '../dialogs/incidentDialog';
import { draftFor, type IncidentDrafts } from '../dialogs/incidentDrafts';
import { refreshedFocus, type Focus } from '../dialogs/focus';
import { userRefOf } from '../dialogs/identity';
import { languageOf } from '../dialogs/language';
import { NotFoundError, RoleRequiredError } from '../services/domain/errors';
import type { Language } from '../services/domain/facts';
import { INCIDENT_KINDS, type IncidentKind } from '../services/domain/types';
import type { BenefitsView } from '../services/domain/views';
import type { UserRef } from '../services/benefits/benefitService';
import type { Services } from '../services/index';
import type { StatePropertyAccessor } from 'botbuilder';
import type { DatabaseFaults } from './databaseFaults';
import { failureReply, type Reply } from './failureReply';
import type { Logger } from './logger';
import { NO_IDENTITY } from './replies';
import { strangerRefusal } from './servedSenders';

/** What a card action produces: a card that replaces the clicked one, or a short message. */
export type CardActionResult = Reply;

interface ActionContext {
  context: TurnContext;
  who: UserRef;
  lang: Language;
  data: Record<string, unknown>;
}

type Handler = (a: ActionContext) => Promise<CardActionResult>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface CardActionDeps {
  services: Services;
  dialogs: DialogSet;
  drafts: StatePropertyAccessor<IncidentDrafts>;
  logger: Logger;
  cards: CardRenderer;
  /** A benefit acted on by card becomes the conversation's focus ("is it active now?"). */
  focus?: StatePropertyAccessor<Focus | undefined>;
  /** The app's rate-limited log of database outages (bot/databaseFaults.ts). */
  faults?: DatabaseFaults;
}

/**
 * One handler per card verb. Identity comes from the activity; ids in card data are only
 * hints that the services check against the caller's organisation and roles.
 */
export class CardActions {
  /** A Map, not an object: a verb such as "__proto__" or "toString" must not find Object.prototype's members. */
  private readonly handlers: ReadonlyMap<string, Handler>;

  constructor(private readonly deps: CardActionDeps) {
    const { services } = deps;
    const table: Record<string, Handler> = {
      [VERBS.refreshBenefits]: (a) => this.benefits(a),
      [VERBS.showBenefits]: (a) => this.benefits(a),
      [VERBS.startActivation]: async (a) => {
        const { benefit, offer } = await this.adminBenefit(a);
        return {
          card: activationConfirmCard(deps.cards, benefit, offer, a.lang, `activation-${benefit.id}`),
        };
      },
      [VERBS.confirmActivation]: async (a) => {
        // R2 is checked again by the service, whatever the card says.
        const r = await services.activation.request(a.who, text(a.data.benefitId));
        await this.remember(a, r.benefit);
        return { card: activationStatusCard(deps.cards, r.benefit, r.offer, a.lang, { canRecord: true }) };
      },
      [VERBS.showRecordIdsForm]: async (a) => {
        const { benefit, offer } = await this.adminBenefit(a);
        return { card: activationIdsFormCard(deps.cards, benefit, offer, a.lang) };
      },
      [VERBS.recordActivationIds]: async (a) => {
        const r = await services.activation.recordIds(
          { kind: 'user', ...a.who },
          a.who.tenantId,
          text(a.data.benefitId),
          {
            accessId: text(a.data.accessId),
            contractId: text(a.data.contractId),
          },
        );
        return { card: activationStatusCard(deps.cards, r.benefit, r.offer, a.lang) };
      },
      [VERBS.startIncident]: async (a) => {
        const refusal = strangerRefusal(a.context); // the dialog would ask first, and nothing is kept for strangers
        if (refusal) throw refusal;
        const kind = INCIDENT_KINDS.includes(a.data.kind as IncidentKind)
          ? (a.data.kind as IncidentKind)
          : undefined;
        const dc = await deps.dialogs.createContext(a.context);
        await dc.cancelAllDialogs();
        await dc.beginDialog(INCIDENT_DIALOG, { kind } satisfies IncidentDialogOptions);
        return { message: a.lang === 'zh' ? '请在下方回答几个问题。' : 'Answer a few questions below.' };
      },
      [VERBS.confirmIncident]: async (a) => {
        const key = text(a.data.idempotencyKey);
        const drafts = await deps.drafts.get(a.context, {});
        const draft = draftFor(drafts, key);
        // The draft is left as it is: the incidents table is what says it was opened (a second
        // press replays the key, R11 counted once), and a state write would be a second commit.
        // No draft: a Cancel racing an earlier Confirm may have removed it after that Confirm had
        // read it, so the incident may exist all the same; it is shown as a replay, to its opener only.
        const incident = draft
          ? await services.incidents.open(a.who, draft.input)
          : await services.incidents.openedBy(a.who, key);
        if (!incident) throw new NotFoundError('incident', key);
        return { card: incidentCard(deps.cards, incident, a.lang, { canClose: incident.state === 'open' }) };
      },
      [VERBS.cancel]: async (a) => {
        const key = text(a.data.idempotencyKey);
        if (key) {
          const drafts = await deps.drafts.get(a.context, {});
          const draft = draftFor(drafts, key);
          // A confirmed card keeps its draft, so pressing Confirm again still shows its incident.
          if (draft && !draft.incidentId && !(await services.incidents.openedBy(a.who, key))) {
            delete drafts[key];
            await deps.drafts.set(a.context, drafts);
          }
        }
        const dc = await deps.dialogs.createContext(a.context);
        await dc.cancelAllDialogs();
        return { message: a.lang === 'zh' ? '已取消。' : 'Cancelled.' };
      },
      [VERBS.closeIncident]: async (a) => {
        const incident = await services.incidents.close(a.who, text(a.data.incidentId));
        return {
          card: incidentCard(deps.cards, { ...incident, replayed: false }, a.lang, { canClose: false }),
        };
      },
      [VERBS.myIncidents]: async (a) => {
        const incidents = await services.incidents.list(a.who, 'mine');
        return { card: incidentListCard(deps.cards, incidents, a.lang, 'mine') };
      },
      [VERBS.help]: async (a) => ({ card: helpCard(deps.cards, a.lang) }),
      [VERBS.showAlertSettings]: async (a) => ({
        card: alertSettingsCard(deps.cards, await services.alerts.view(a.who), a.lang),
      }),
      [VERBS.saveAlertSettings]: async (a) => {
        // Inputs arrive as the client sends them: a comma list and a number or string (re-validated, R2 re-checked).
        const days = a.data.pendingReminderDays;
        const view = await services.alerts.configure(a.who, {
          thresholds: text(a.data.thresholds)
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          pendingReminderDays: typeof days === 'number' ? days : Number(text(days)),
        });
        return {
          card: alertSettingsCard(
            deps.cards,
            view,
            a.lang,
            a.lang === 'zh' ? '提醒设置已保存' : 'Alert settings saved',
          ),
        };
      },
    };
    this.handlers = new Map(Object.entries(table)); // own properties only
  }

  /** For adaptiveCard/action invokes: always a proper invoke response, well inside Teams' time limit. */
  async handleInvoke(
    context: TurnContext,
    verb: unknown,
    data: unknown,
  ): Promise<AdaptiveCardInvokeResponse> {
    const result = await this.run(context, verb, data);
    if ('card' in result) {
      return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result.card };
    }
    return messageInvokeResponse(result.message);
  }

  /** Runs a verb; refusals become their explaining card, failures a polite message and a log line. */
  async run(context: TurnContext, verb: unknown, rawData: unknown): Promise<CardActionResult> {
    const lang = languageOf(context.activity.locale);
    const who = userRefOf(context.activity);
    if (!who) return { message: NO_IDENTITY[lang] };
    const handler = typeof verb === 'string' ? this.handlers.get(verb) : undefined;
    if (!handler) {
      // Old cards and forged ones: the verb as sent is logged only when short text, never an object.
      const shown = typeof verb === 'string' ? verb.slice(0, 80) : `(${typeof verb})`;
      this.deps.logger.warn('unknown card verb', { verb: shown, activityId: context.activity.id });
      return {
        message:
          lang === 'zh'
            ? '此按钮已不再可用。输入“帮助”查看可以做什么。'
            : 'This button is no longer available. Say "help" to see what I can do.',
      };
    }
    const data = typeof rawData === 'object' && rawData !== null ? (rawData as Record<string, unknown>) : {};
    try {
      return await handler({ context, who, lang, data });
    } catch (err) {
      return failureReply(this.deps, context, err, { verb });
    }
  }

  private async benefits(a: ActionContext): Promise<CardActionResult> {
    const view = await this.deps.services.benefits.view(a.who);
    return { card: benefitsCardFor(this.deps.cards, view, a.lang, a.context) };
  }

  /** A benefit of the caller's organisation, for Global admins and MPN partner admins only (R2). */
  private async adminBenefit(a: ActionContext) {
    const view = await this.deps.services.benefits.view(a.who);
    if (!view.user.canActivate) throw new RoleRequiredError('activate', ['R2']);
    const found = findBenefit(view, text(a.data.benefitId));
    await this.remember(a, found.benefit);
    return found;
  }

  private async remember(a: ActionContext, benefit: { id: string; type: Focus['type'] }): Promise<void> {
    const { focus } = this.deps;
    if (!focus) return;
    const at = this.deps.services.clock.now().getTime();
    const next: Focus = { benefitId: benefit.id, type: benefit.type, at };
    await focus.set(a.context, refreshedFocus(await focus.get(a.context), next));
  }
}

/** A card button's answer as a short message instead of a card. */
export function messageInvokeResponse(message: string): AdaptiveCardInvokeResponse {
  // Teams expects a plain string for the message type; botbuilder's typing only models card values.
  const value = message as unknown as Record<string, unknown>;
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value };
}

export function findBenefit(view: BenefitsView, benefitId: string) {
  for (const offer of view.offers) {
    const benefit = offer.benefits.find((b) => b.id === benefitId);
    if (benefit) return { benefit, offer };
  }
  throw new NotFoundError('benefit', benefitId);
}

/** Admins get the Activate buttons; in shared conversations others get the plain view and Teams refreshes per user. */
export function benefitsCardFor(
  cards: CardRenderer,
  view: BenefitsView,
  lang: Language,
  context: TurnContext,
): AdaptiveCard {
  const personal = (context.activity.conversation?.conversationType ?? 'personal') === 'personal';
  const invokedRefresh = context.activity.type === 'invoke';
  return benefitsCard(cards, view, lang, {
    showActivate: view.user.canActivate && (personal || invokedRefresh),
    refreshUserIds: context.activity.from?.id ? [context.activity.from.id] : undefined,
  });
}
