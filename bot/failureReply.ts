import type { TurnContext } from 'botbuilder';
import { DialogContextError, type DialogSet } from 'botbuilder-dialogs';
import type { AdaptiveCard, CardRenderer } from '../cards';
import { languageOf } from '../dialogs/language';
import { BenefitRuleError } from '../services/domain/errors';
import { DatabaseFaults } from './databaseFaults';
import { errorFields, type Logger } from './logger';
import { DATA_UNREACHABLE, refusalFor, SORRY } from './replies';

/** What a turn answers: a card, or a short message. */
export type Reply = { card: AdaptiveCard } | { message: string };

export interface FailureDeps {
  dialogs: DialogSet;
  logger: Logger;
  cards: CardRenderer;
  /** The app's one rate-limited log of database outages (a fresh one per failure when absent). */
  faults?: DatabaseFaults;
}

/**
 * The one place where a failed request becomes what the person sees, for messages and card buttons
 * alike: a refusal (also when a dialog step raised it) is its explaining card in the person's
 * language, logged at info; anything else is the apology, logged at error.
 *
 * A failure raised inside a dialog ends every dialog of the conversation: the step that threw never
 * asked its question, so a dialog left on the stack would take the next messages as answers to it,
 * and its later steps would run without what the failed step should have gathered. A failure outside
 * any dialog leaves an open dialog alone (a refused button on an old card, or a refresh Teams sends
 * by itself, must not end the dialog the person is in).
 *
 * The database being unreachable is neither: the person is told so, and the conversation is left as
 * it was before the turn (no dialog ended, nothing saved), so that sending the same again works once
 * it is back.
 */
export async function failureReply(
  deps: FailureDeps,
  context: TurnContext,
  thrown: unknown,
  fields: Record<string, unknown> = {},
): Promise<Reply> {
  const lang = languageOf(context.activity.locale);
  const faults = deps.faults ?? new DatabaseFaults(deps.logger);
  if (faults.recogniseInTurn(context, thrown, fields)) return { message: DATA_UNREACHABLE[lang] };
  const inDialog = thrown instanceof DialogContextError;
  // Dialogs wrap what a step throws; the refusal inside is what the person needs to see.
  const err = inDialog ? thrown.error : thrown;
  const at = { ...fields, activityId: context.activity.id, ...(inDialog ? { dialogsEnded: true } : {}) };
  if (inDialog) await endAllDialogs(deps, context);
  if (err instanceof BenefitRuleError) {
    deps.logger.info('request refused', { ...at, code: err.code, rules: err.rules });
    return { card: refusalFor(deps.cards, err, lang) };
  }
  deps.logger.error('request failed', { ...at, ...errorFields(err) });
  return { message: SORRY[lang] };
}

/** Cancels every dialog; if a broken one cannot even be cancelled, its stack is emptied all the same. */
async function endAllDialogs(deps: FailureDeps, context: TurnContext): Promise<void> {
  const dc = await deps.dialogs.createContext(context);
  try {
    await dc.cancelAllDialogs();
  } catch (err) {
    deps.logger.warn('could not cancel the dialogs; their state is dropped', {
      activityId: context.activity.id,
      ...errorFields(err),
    });
    dc.stack.splice(0); // the stack array is the stored dialog state itself
  }
}
