/**
 * A new question typed while a yes/no or pick-one prompt waits ("ok, activate it again", then
 * "when does the action pack expire?"): people rarely press the button first. Such a message
 * leaves the dialog and is answered; an answer to the prompt (a button's words, its number,
 * yes or no) never does, and free-text prompts (an incident's title) keep everything typed.
 */
import { recognizeChoices, type Choice, type DialogContext } from 'botbuilder-dialogs';
import type { Intent } from './understanding/intents';
import { ZH_NO, ZH_YES } from './confirmChoices';

/** Prompts whose answer is a button: the activation dialog's and the incident dialog's. */
export const BUTTON_PROMPTS: ReadonlySet<string> = new Set([
  'activationChoose',
  'activationConfirm',
  'incidentKind',
  'incidentSeverity',
  'incidentUseContact',
]);

const YES_NO = new Set([
  ...ZH_YES,
  ...ZH_NO,
  ...'yes y yeah yep sure ok okay please no n nope nah 1 2'.split(' '),
]);
/** Intents that never take someone out of a dialog (cancel and help have their own commands). */
const STAYS = new Set<Intent>(['none', 'help', 'cancel', 'greeting']);

/** The prompt waiting at the top of the innermost dialog, with its buttons when it has any. */
function waitingPrompt(dc: DialogContext): { id: string; choices: (string | Choice)[] } | null {
  let inner = dc;
  while (inner.child) inner = inner.child;
  const active = inner.activeDialog;
  if (!active || !BUTTON_PROMPTS.has(active.id)) return null;
  const options = (active.state as { options?: { choices?: (string | Choice)[] } }).options;
  return { id: active.id, choices: options?.choices ?? [] };
}

/** True when the message is a new question rather than an answer to the button prompt waiting. */
export function isNewQuestion(dc: DialogContext, text: string, intent: Intent): boolean {
  if (STAYS.has(intent)) return false;
  const prompt = waitingPrompt(dc);
  if (!prompt) return false;
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[.!?。！？]+$/, '');
  if (YES_NO.has(t) || /^\d+$/.test(t)) return false;
  return prompt.choices.length === 0 || recognizeChoices(t, prompt.choices).length === 0;
}
