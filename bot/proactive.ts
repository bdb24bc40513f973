import { ActivityEventNames, ActivityTypes, type TurnContext } from 'botbuilder';

/**
 * Whether this turn is the bot's own proactive turn (an alert: continueConversationAsync runs
 * the adapter's middleware with a ContinueConversation event). The edge refuses that event from
 * outside (bot/activitySchema.ts), so only the bot itself can start such a turn; the incoming
 * traffic gates (turn limits, tenant allow-list) let it through, or the alert would be dropped
 * while the dispatcher believed it sent.
 */
export function isProactiveTurn(context: TurnContext): boolean {
  const { type, name } = context.activity;
  return type === ActivityTypes.Event && name === ActivityEventNames.ContinueConversation;
}
