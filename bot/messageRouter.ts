import { TurnContext } from 'botbuilder';
import { DialogContextError, type DialogSet } from 'botbuilder-dialogs';
import {
  alertSettingsCard,
  answerCard,
  helpCard,
  incidentCard,
  incidentListCard,
  welcomeCard,
  type CardRenderer,
} from '../cards';
import { factAnswer, fallbackAnswer } from '../dialogs/answers';
import { ACTIVATION_DIALOG } from '../dialogs/activationDialog';
import { INCIDENT_DIALOG } from '../dialogs/incidentDialog';
import { userRefOf } from '../dialogs/identity';
import { languageOf } from '../dialogs/language';
import { PROMPTS, remainingText } from '../dialogs/prompts';
import type { IntentClassifier } from '../dialogs/understanding/classifier';
import { NAMES, SOURCE, type Language } from '../services/domain/facts';
import type { BenefitsView } from '../services/domain/views';
import type { Services } from '../services/index';
import { benefitsCardFor, type CardActions } from './cardActions';
import { saveConversationReference } from './conversationReferences';
import { isReplyFailure } from './connectorPolicy';
import { failureReply } from './failureReply';
import type { Logger } from './logger';
import { cardMessage, NO_IDENTITY, replyActivity } from './replies';
import { strangerRefusal } from './servedSenders';

export interface MessageRouterDeps {
  services: Services;
  dialogs: DialogSet;
  classifier: IntentClassifier;
  cardActions: CardActions;
  logger: Logger;
  cards: CardRenderer;
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
    const dc = await this.deps.dialogs.createContext(context);
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
      const understood = this.deps.classifier.classify(text, context.activity.locale);
      this.deps.logger.debug('understood', {
        intent: understood.intent,
        score: understood.score,
        activityId: context.activity.id,
      });

      if (dc.activeDialog) {
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
        await dc.continueDialog();
        return;
      }
      await this.route(context, dc, understood.intent, understood.entities ?? {}, understood.language);
    } catch (thrown) {
      // The connector failed: a "sorry" would fail too; onTurnError logs it once.
      const inner = thrown instanceof DialogContextError ? thrown.error : thrown;
      if (isReplyFailure(inner)) throw inner;
      await context.sendActivity(replyActivity(await failureReply(this.deps, context, thrown)));
    }
  }

  private async route(
    context: TurnContext,
    dc: Awaited<ReturnType<DialogSet['createContext']>>,
    intent: string,
    entities: { incidentId?: string },
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
        await dc.beginDialog(ACTIVATION_DIALOG, {});
        return;
      case 'action.openIncident': {
        // The dialog asks before it checks; a stranger's answer would find no dialog (nothing is stored for them).
        const refusal = strangerRefusal(context);
        if (refusal) throw refusal;
        await dc.beginDialog(INCIDENT_DIALOG, {});
        return;
      }
      case 'action.myIncidents': {
        const incidents = await services.incidents.list(who, 'mine');
        await context.sendActivity(cardMessage(incidentListCard(this.deps.cards, incidents, lang, 'mine')));
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

/** "12 of 20 left" per usable benefit, with where the numbers come from. */
export function remainingSummary(view: BenefitsView, lang: Language): string {
  const lines = view.offers
    .filter((o) => o.active)
    .flatMap((o) =>
      o.benefits.map((b) => {
        const name = `${NAMES[b.type][lang]} (${NAMES[o.level][lang]}${o.competency ? `, ${o.competency}` : ''})`;
        const left =
          b.total === null
            ? remainingText(null, lang)
            : lang === 'zh'
              ? `剩余 ${b.remaining} 个（共 ${b.total} 个）`
              : `${b.remaining} of ${b.total} left`;
        return `- ${name}: ${left}${b.status === 'active' || b.status === 'exhausted' ? '' : ` [${b.status}]`}`;
      }),
    );
  const source = lang === 'zh' ? `来源：${SOURCE.zh}（R11）` : `Source: ${SOURCE.en} (R11)`;
  return [lang === 'zh' ? '剩余支持事件：' : 'Support incidents remaining:', ...lines, source].join('\n');
}
