import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type PrivateConversationState,
  type TurnContext,
} from 'botbuilder';
import { welcomeCard, type CardRenderer } from '../cards';
import { languageOf } from '../dialogs/language';
import type { AlertDispatcher } from '../services/alerts/alertDispatcher';
import type { Store } from '../services/storage/repositories';
import type { Clock } from '../services/domain/clock';
import type { CardActions } from './cardActions';
import { turnHitDatabaseFault } from './databaseFaults';
import { removeConversationReference, saveConversationReference } from './conversationReferences';
import type { Logger } from './logger';
import type { MessageRouter } from './messageRouter';
import type { ReferenceRecorder } from './referenceRecorder';
import { cardMessage } from './replies';
import { isServed } from './servedSenders';

export interface BotDeps {
  store: Store;
  clock: Clock;
  state: PrivateConversationState;
  references: ReferenceRecorder;
  messages: MessageRouter;
  cardActions: CardActions;
  logger: Logger;
  cards: CardRenderer;
  /** Woken after a turn that wrote, so an alert it queued goes out without waiting for the next poll. */
  alerts?: AlertDispatcher | null;
}

/** Routes activities and invokes; everything else lives in dialogs, cards and services. */
export class PartnerSupportBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();
    this.onMessage(async (context, next) => {
      await deps.messages.handle(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botAdded = (context.activity.membersAdded ?? []).some(
        (m) => m.id === context.activity.recipient.id,
      );
      if (botAdded) {
        if (isServed(context)) await saveConversationReference(deps.store, deps.clock, context.activity);
        await context.sendActivity(cardMessage(welcomeCard(deps.cards, languageOf(context.activity.locale))));
      }
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      const botRemoved = (context.activity.membersRemoved ?? []).some(
        (m) => m.id === context.activity.recipient.id,
      );
      if (botRemoved) await removeConversationReference(deps.store, context.activity);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      if (isServed(context)) await saveConversationReference(deps.store, deps.clock, context.activity);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await removeConversationReference(deps.store, context.activity);
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return this.deps.cardActions.handleInvoke(context, value.action?.verb, value.action?.data);
  }

  /**
   * Dialog state is saved once per turn, after every handler ran, in the same COMMIT as the turn's
   * new conversation reference if any (ReferenceRecorder.alongside); never for people the bot does
   * not serve.
   */
  override async run(context: TurnContext): Promise<void> {
    const { state, references } = this.deps;
    const commitsBefore = this.deps.store.commits;
    await super.run(context);
    // A turn that could not reach the database leaves the conversation as it was (databaseFaults.ts).
    if (isServed(context) && !turnHitDatabaseFault(context) && !onlyEmptyDefaults(state.get(context)))
      await references.alongside(context, () => state.saveChanges(context, false));
    // Before the alerts are woken: a reference of a turn that saved no state is saved on its own.
    await references.flush(context);
    // Only a turn that wrote can have queued an alert (another turn's write only wakes it early).
    if (this.deps.store.commits !== commitsBefore) this.deps.alerts?.notify();
  }
}

/**
 * State never stored that holds only what reading it put there (an empty dialog stack): a question
 * in a new conversation, and in a channel every thread is one, would otherwise write a row that
 * says nothing. State once stored is saved as usual (an ended dialog is written back empty).
 */
function onlyEmptyDefaults(state: Record<string, unknown> | undefined): boolean {
  return state !== undefined && !('eTag' in state) && isEmpty(state);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}
