import { TurnContext, type StatePropertyAccessor } from 'botbuilder';
import { DialogContextError, type DialogContext, type DialogSet, type DialogState } from 'botbuilder-dialogs';
import {
  alertSettingsCard,
  answerCard,
  helpCard,
  incidentCard,
  incidentListCard,
  welcomeCard,
  type CardRenderer,
} from '../cards';
import { factAnswer, fallbackAnswer, type Answer } from '../dialogs/answers';
import { ACTIVATION_DIALOG, type ActivationDialogOptions } from '../dialogs/activationDialog';
import {
  expiryAnswer,
  idsAnswer,
  namedBenefits,
  nothingNamedAnswer,
  pendingAnswer,
  rejectionAnswer,
  remainingAnswer,
  remainingSummary,
  statusAnswer,
  DATA_INTENTS,
  type NamedBenefit,
} from '../dialogs/benefitAnswers';
import {
  FOCUS_MAX_BENEFITS,
  focusedIds,
  freshFocus,
  readWithFocus,
  refreshedFocus,
  type Focus,
} from '../dialogs/focus';
import { isAsideQuestion, isNewQuestion } from '../dialogs/newQuestion';
import { INCIDENT_DIALOG, type IncidentDialogOptions } from '../dialogs/incidentDialog';
import { userRefOf } from '../dialogs/identity';
import { languageOf } from '../dialogs/language';
import { PROMPTS } from '../dialogs/prompts';
import type { IntentClassifier, Understood } from '../dialogs/understanding/classifier';
import type { Entities } from '../dialogs/understanding/entities';
import { RoleRequiredError } from '../services/domain/errors';
import type { Language } from '../services/domain/facts';
import type { BenefitsView } from '../services/domain/views';
import type { Services } from '../services/index';
import { benefitsCardFor, type CardActions } from './cardActions';
import { saveConversationReference } from './conversationReferences';
import { isReplyFailure } from './connectorPolicy';
import type { DatabaseFaults } from './databaseFaults';
import { failureReply } from './failureReply';
import type { Logger } from './logger';
import { cardMessage, NO_IDENTITY, replyActivity } from './replies';
import { strangerRefusal } from './servedSenders';

export interface MessageRouterDeps {
  services: Services;
  dialogs: DialogSet;
  /** The dialog stack's state property, the one `dialogs` was made with. */
  dialogState: StatePropertyAccessor<DialogState>;
  classifier: IntentClassifier;
  cardActions: CardActions;
  logger: Logger;
  cards: CardRenderer;
  /** The benefit this conversation is about, for "that one" / "它" (optional: without it, pronouns mean nothing). */
  focus?: StatePropertyAccessor<Focus | undefined>;
  /** The app's rate-limited log of database outages (bot/databaseFaults.ts). */
  faults?: DatabaseFaults;
}

/**
 * Inside a dialog, only these exact commands interrupt it: an answer such as the title
 * "Stop error 0x0000007B" or the product "Help desk app" must reach the prompt.
 */
const END = String.raw`(?:\s*[.!?。！？]+)?$`; // trailing punctuation is allowed
const INTERRUPTIONS = {
  cancel: new RegExp(
    String.raw`^(?:please\s+)?(?:cancel|stop|quit|exit|abort|never\s?mind|forget it|start over)(?:\s+(?:it|this|that|please))?${END}|^(?:取消|算了|停止|退出|不要了|不用了)${END}`,
  ),
  help: new RegExp(
    String.raw`^(?:help|help me|what can you do)${END}|^(?:帮助|幫助|帮忙|幫忙|求助|你能做什么|你能做什麼)${END}|^[?？]+$`,
  ),
};

function isInterruption(kind: keyof typeof INTERRUPTIONS, text: string): boolean {
  return INTERRUPTIONS[kind].test(text.trim().toLowerCase());
}

/** Routes a message: card submits, dialog turns, interruptions, then the understood intent. */
export class MessageRouter {
  constructor(private readonly deps: MessageRouterDeps) {}

  async handle(context: TurnContext): Promise<void> {
    const lang = languageOf(context.activity.locale);
    const who = userRefOf(context.activity);
    if (!who) {
      this.deps.logger.warn('message without tenant or Entra object id', { activityId: context.activity.id });
      await context.sendActivity(NO_IDENTITY[lang]);
      return;
    }
    // botbuilder builds a DialogContext's memory scopes each time it makes one (a few per cent of a
    // question turn): made only when a dialog is running or is started.
    let made: DialogContext | undefined;
    const dialogContext = async () => (made ??= await this.deps.dialogs.createContext(context));
    try {
      // Action.Submit fallback (Teams mobile): the same verbs as Action.Execute, as a message.
      const value = context.activity.value as { verb?: unknown } | undefined;
      if (value && typeof value.verb === 'string') {
        const result = await this.deps.cardActions.run(context, value.verb, value);
        await context.sendActivity(replyActivity(result));
        return;
      }

      const text = (
        TurnContext.removeRecipientMention(context.activity) ??
        context.activity.text ??
        ''
      ).trim();
      const focus = freshFocus(await this.deps.focus?.get(context), this.deps.services.clock.now().getTime());
      const understood = readWithFocus(this.deps.classifier, text, context.activity.locale, focus);
      this.deps.logger.debug('understood', {
        intent: understood.intent,
        score: understood.score,
        activityId: context.activity.id,
      });

      const running = ((await this.deps.dialogState.get(context))?.dialogStack?.length ?? 0) > 0;
      if (running) {
        const dc = await dialogContext();
        if (isInterruption('cancel', text)) {
          await dc.cancelAllDialogs();
          await context.sendActivity(PROMPTS.cancelled[lang]);
          return;
        }
        if (isInterruption('help', text)) {
          await context.sendActivity(cardMessage(helpCard(this.deps.cards, lang)));
          await dc.repromptDialog();
          return;
        }
        if (isAsideQuestion(dc, text, understood)) {
          // "show my benefits" where the product is asked: answered, then the same question again.
          await this.answer(context, dialogContext, understood, text, focus);
          await dc.repromptDialog();
          return;
        }
        if (!isNewQuestion(dc, text, understood.intent)) {
          await dc.continueDialog();
          return;
        }
        await dc.cancelAllDialogs(); // a new question instead of a button: answered below
      }
      await this.answer(context, dialogContext, understood, text, focus);
    } catch (thrown) {
      // The connector failed: a "sorry" would fail too; onTurnError logs it once.
      const inner = thrown instanceof DialogContextError ? thrown.error : thrown;
      if (isReplyFailure(inner)) throw inner;
      await context.sendActivity(replyActivity(await failureReply(this.deps, context, thrown)));
    }
  }

  /** A question or request outside any dialog (or answered aside from one). */
  private async answer(
    context: TurnContext,
    dialogContext: () => Promise<DialogContext>,
    understood: Understood,
    text: string,
    focus: Focus | undefined,
  ): Promise<void> {
    const incidentId = understood.entities.incidentId;
    if (understood.intent === 'none' && incidentId) {
      // "INC-7K2Q9XMA", "is INC-7K2Q9XMA still open?": that incident's card, for those who may see it.
      const who = userRefOf(context.activity)!;
      const incident = await this.deps.services.incidents.show(who, incidentId);
      const canClose = incident.openedBy === who.aadObjectId;
      await context.sendActivity(
        cardMessage(
          incidentCard(this.deps.cards, { ...incident, replayed: false }, understood.language, { canClose }),
        ),
      );
      return;
    }
    const answered = await this.answerFromData(context, dialogContext, understood, text, focus);
    if (!answered)
      await this.route(
        context,
        dialogContext,
        understood.intent,
        understood.entities ?? {},
        understood.language,
      );
  }

  /**
   * Questions that name one of the organisation's benefits (or point back at the one in focus):
   * answered with that benefit's own figures. Returns false to let the general answer run.
   */
  private async answerFromData(
    context: TurnContext,
    dialogContext: () => Promise<DialogContext>,
    understood: Understood,
    text: string,
    focus: Focus | undefined,
  ): Promise<boolean> {
    const { intent, entities, language: lang } = understood;
    if (!DATA_INTENTS.has(intent)) return false;
    const usesFocus = !entities.benefit && entities.followUp === true && focus !== undefined;
    const generalData = intent === 'action.rejectionReason' || intent === 'action.pendingReason';
    if (!entities.benefit && !usesFocus && !generalData && intent !== 'none') return false;
    if (intent === 'none' && !usesFocus) return false;
    const who = userRefOf(context.activity)!;
    const view = await this.deps.services.benefits.view(who); // R4, R5: only what the card shows this person
    const everything = view.offers.flatMap((offer) => offer.benefits.map((benefit) => ({ benefit, offer })));
    let named: NamedBenefit[] | null = usesFocus
      ? everything.filter(({ benefit }) => focusedIds(focus).includes(benefit.id))
      : namedBenefits(view, entities.benefit, text);
    if (named === null) {
      if (!generalData) return false;
      named = everything; // "why was our activation rejected?": every benefit, as the card would
    }
    if (named.length === 0) {
      await this.sendAnswer(context, nothingNamedAnswer(view, lang), lang);
      return true;
    }
    await this.remember(context, subjectOf(intent, named));
    switch (intent) {
      case 'facts.benefitsDuration':
        return this.sendAnswer(context, expiryAnswer(named, view.asOf, lang), lang);
      case 'facts.accessContractIds':
        return this.sendAnswer(context, idsAnswer(named, lang), lang);
      case 'facts.activationDuration':
      case 'action.pendingReason':
        return this.sendAnswer(context, pendingAnswer(named, view.asOf, lang), lang);
      case 'action.rejectionReason':
        return this.sendAnswer(context, rejectionAnswer(named, lang, view.user.canActivate), lang);
      case 'action.incidentsRemaining':
        return this.sendAnswer(context, remainingAnswer(named, lang), lang);
      case 'action.activate':
        return this.activateNamed(context, dialogContext, view, named, lang);
      default: // a status question, or "that one?" alone
        return this.sendAnswer(context, statusAnswer(named, lang), lang);
    }
  }

  /** "Activate our Cloud Platform signature support": the dialog for those benefits only (R2 for others). */
  private async activateNamed(
    context: TurnContext,
    dialogContext: () => Promise<DialogContext>,
    view: BenefitsView,
    named: NamedBenefit[],
    lang: Language,
  ): Promise<boolean> {
    if (!view.user.canActivate) throw new RoleRequiredError('activate', ['R2']);
    const open = named.filter(
      ({ benefit, offer }) =>
        offer.active && (benefit.status === 'notActivated' || benefit.status === 'rejected'),
    );
    if (open.length === 0) {
      const standing = statusAnswer(named, lang);
      const title = lang === 'zh' ? '没有需要激活的权益' : 'Nothing to activate';
      return this.sendAnswer(context, { ...standing, title }, lang);
    }
    const options: ActivationDialogOptions = { benefitIds: open.map(({ benefit }) => benefit.id) };
    await (await dialogContext()).beginDialog(ACTIVATION_DIALOG, options);
    return true;
  }

  private async sendAnswer(context: TurnContext, answer: Answer, lang: Language): Promise<true> {
    await context.sendActivity(cardMessage(answerCard(this.deps.cards, answer, lang)));
    return true;
  }

  /** A benefit (or an offer's few) was named or acted on: "it" and "that one" mean it for a while. */
  private async remember(context: TurnContext, subject: NamedBenefit[]): Promise<void> {
    if (subject.length === 0 || subject.length > FOCUS_MAX_BENEFITS) return;
    const { benefit } = subject[0];
    const at = this.deps.services.clock.now().getTime();
    const focus: Focus = { benefitId: benefit.id, type: benefit.type, at };
    if (subject.length > 1) focus.benefitIds = subject.map((n) => n.benefit.id);
    const accessor = this.deps.focus;
    if (accessor) await accessor.set(context, refreshedFocus(await accessor.get(context), focus));
  }

  private async route(
    context: TurnContext,
    dialogContext: () => Promise<DialogContext>,
    intent: string,
    entities: Entities,
    lang: Language,
  ): Promise<void> {
    const { services } = this.deps;
    const who = userRefOf(context.activity)!;
    if (intent.startsWith('facts.')) {
      await context.sendActivity(
        cardMessage(
          answerCard(this.deps.cards, factAnswer(intent as Parameters<typeof factAnswer>[0], lang), lang),
        ),
      );
      return;
    }
    switch (intent) {
      case 'action.showBenefits':
      case 'action.activationStatus': {
        const view = await services.benefits.view(who);
        await context.sendActivity(cardMessage(benefitsCardFor(this.deps.cards, view, lang, context)));
        return;
      }
      case 'action.incidentsRemaining': {
        const view = await services.benefits.view(who);
        await context.sendActivity(
          cardMessage(benefitsCardFor(this.deps.cards, view, lang, context), remainingSummary(view, lang)),
        );
        return;
      }
      case 'action.activate':
        await (await dialogContext()).beginDialog(ACTIVATION_DIALOG, {});
        return;
      case 'action.openIncident': {
        // The dialog asks before it checks; a stranger's answer would find no dialog (nothing is stored for them).
        const refusal = strangerRefusal(context);
        if (refusal) throw refusal;
        // "Our Azure tenant is down, open a case": the kind is not asked again.
        const options: IncidentDialogOptions = entities.incidentKind
          ? { kind: entities.incidentKind, kindFromMessage: true }
          : {};
        await (await dialogContext()).beginDialog(INCIDENT_DIALOG, options);
        return;
      }
      case 'action.myIncidents': {
        const incidents = await services.incidents.list(who, 'mine');
        await context.sendActivity(cardMessage(incidentListCard(this.deps.cards, incidents, lang, 'mine')));
        return;
      }
      case 'action.orgIncidents': {
        const openOnly = entities.incidentScope === 'open';
        const only = (list: Awaited<ReturnType<typeof services.incidents.list>>) =>
          openOnly ? list.filter((i) => i.state === 'open') : list;
        try {
          const all = await services.incidents.list(who, 'organisation'); // admins and support leads (R1)
          await context.sendActivity(
            cardMessage(incidentListCard(this.deps.cards, only(all), lang, 'organisation', { openOnly })),
          );
        } catch (thrown) {
          if (!(thrown instanceof RoleRequiredError)) throw thrown;
          // Members see their own, and are told why not everyone's.
          const mine = only(await services.incidents.list(who, 'mine'));
          await context.sendActivity(
            cardMessage(
              incidentListCard(this.deps.cards, mine, lang, 'mine', { openOnly }),
              PROMPTS.ownIncidentsOnly[lang],
            ),
          );
        }
        return;
      }
      case 'action.closeIncident': {
        if (entities.incidentId) {
          const closed = await services.incidents.close(who, entities.incidentId);
          await context.sendActivity(
            cardMessage(
              incidentCard(this.deps.cards, { ...closed, replayed: false }, lang, { canClose: false }),
            ),
          );
          return;
        }
        const open = (await services.incidents.list(who, 'mine')).filter((i) => i.state === 'open');
        await context.sendActivity(cardMessage(incidentListCard(this.deps.cards, open, lang, 'mine')));
        return;
      }
      case 'action.alertSettings':
        await context.sendActivity(
          cardMessage(alertSettingsCard(this.deps.cards, await services.alerts.view(who), lang)),
        );
        return;
      case 'action.muteAlerts':
      case 'action.unmuteAlerts': {
        const mute = intent === 'action.muteAlerts';
        const view = await services.alerts.mute(who, mute);
        const headline = mute
          ? lang === 'zh'
            ? '配额提醒已静音'
            : 'Quota alerts muted'
          : lang === 'zh'
            ? '配额提醒已恢复'
            : 'Quota alerts are on again';
        await context.sendActivity(cardMessage(alertSettingsCard(this.deps.cards, view, lang, headline)));
        return;
      }
      case 'action.routeAlertsHere': {
        if (context.activity.conversation?.conversationType !== 'channel') {
          await context.sendActivity(
            lang === 'zh'
              ? '请在要接收提醒的团队频道中 @ 我并说“在此发送提醒”。'
              : 'Say "send alerts here" in the team channel that should receive the alerts (mention me there).',
          );
          return;
        }
        // A message in a channel thread carries ";messageid=…": alerts go to the channel itself, as new posts.
        const channelId = context.activity.conversation.id.split(';')[0];
        const refusal = strangerRefusal(context);
        if (refusal) throw refusal; // before the reference is saved: nothing is stored for strangers
        await saveConversationReference(services.store, services.clock, {
          ...context.activity,
          conversation: { ...context.activity.conversation, id: channelId },
        });
        const view = await services.alerts.routeToChannel(who, channelId);
        const headline =
          lang === 'zh' ? '此频道将收到配额和到期提醒' : 'This channel will get quota and expiry alerts';
        await context.sendActivity(cardMessage(alertSettingsCard(this.deps.cards, view, lang, headline)));
        return;
      }
      case 'help':
        await context.sendActivity(cardMessage(helpCard(this.deps.cards, lang)));
        return;
      case 'greeting':
        await context.sendActivity(
          cardMessage(welcomeCard(this.deps.cards, lang, context.activity.from?.name)),
        );
        return;
      case 'thanks':
        await context.sendActivity(PROMPTS.gladToHelp[lang]);
        return;
      case 'cancel':
        await context.sendActivity(PROMPTS.nothingToCancel[lang]);
        return;
      default: {
        const fallback = fallbackAnswer(lang);
        await context.sendActivity(cardMessage(answerCard(this.deps.cards, fallback, lang)));
      }
    }
  }
}

/** The benefits an answer is about: of those named, the rejected ones for "why rejected", and so on. */
function subjectOf(intent: string, named: NamedBenefit[]): NamedBenefit[] {
  const only = (keep: (n: NamedBenefit) => boolean) => (named.some(keep) ? named.filter(keep) : named);
  if (intent === 'action.rejectionReason') return only((n) => n.benefit.activationState === 'rejected');
  if (intent === 'action.pendingReason' || intent === 'facts.activationDuration')
    return only((n) => n.benefit.activationState === 'pending');
  if (intent === 'action.activate')
    return only((n) => n.benefit.status === 'notActivated' || n.benefit.status === 'rejected');
  return named;
}
