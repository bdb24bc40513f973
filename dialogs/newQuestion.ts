/**
 * A new question typed while a yes/no or pick-one prompt waits ("ok, activate it again", then
 * "when does the action pack expire?"): people rarely press the button first. Such a message
 * leaves the dialog and is answered; an answer to the prompt (a button's words, its number,
 * yes or no) never does.
 *
 * Free-text prompts differ. Where the answer is a name or a value (the incident's product, the
 * contact's name, email, phone), a question or request ("show my benefits", "how many incidents
 * do we have left?") is answered aside and the prompt asked again: what was typed so far stays.
 * A bare name stays the answer even when it names a programme ("Partner Center", "Signature
 * Cloud Support" can be the product). Prose prompts (the title, the description) keep everything.
 */
import { recognizeChoices, type Choice, type DialogContext } from 'botbuilder-dialogs';
import { INCIDENT_KIND_PROMPT, INCIDENT_VALUE_PROMPTS } from './incidentDialog';
import { incidentKindNamed } from './understanding/entities';
import { FACT_INTENTS, type Intent } from './understanding/intents';
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
const STAYS = new Set<Intent>(['none', 'help', 'cancel', 'greeting', 'thanks']);

const VALUE_PROMPTS: ReadonlySet<string> = new Set(INCIDENT_VALUE_PROMPTS);

/** Questions answered from what is stored, without starting or changing anything. */
const ASIDE_INTENTS: ReadonlySet<Intent> = new Set<Intent>([
  ...FACT_INTENTS,
  'action.showBenefits',
  'action.incidentsRemaining',
  'action.myIncidents',
  'action.orgIncidents',
  'action.activationStatus',
  'action.rejectionReason',
  'action.pendingReason',
  'action.alertSettings',
]);

/** A request for one of those actions this sure is not a product's or a person's name. */
const SURE_REQUEST = 0.6;

/** Worded as a question or a request: a question mark, a question word, "show", "list"… */
const ASKS =
  /[?？]\s*$|^(what|which|who|whose|when|where|why|how|is|are|am|was|were|do|does|did|can|could|should|would|will|may|have|has|tell|show|list|explain|give|display|check|find)\b|吗|嗎|什么|什麼|哪|谁|誰|怎么|怎麼|如何|多少|几|幾|是否|能否|^(请|請)?(显示|顯示|列出|告诉|告訴|查看|看看|给我|給我)/i;

/** The prompt waiting at the top of the innermost dialog, with its buttons when it has any. */
function waitingPrompt(dc: DialogContext): { id: string; choices: (string | Choice)[] } | null {
  let inner = dc;
  while (inner.child) inner = inner.child;
  const active = inner.activeDialog;
  if (!active) return null;
  const options = (active.state as { options?: { choices?: (string | Choice)[] } }).options;
  return { id: active.id, choices: options?.choices ?? [] };
}

/**
 * True when a name or value prompt waits and the message is a question or request to answer
 * aside (then the prompt is asked again), not the name or value.
 */
export function isAsideQuestion(
  dc: DialogContext,
  text: string,
  understood: { intent: Intent; score: number },
): boolean {
  const prompt = waitingPrompt(dc);
  if (!prompt || !VALUE_PROMPTS.has(prompt.id) || !ASIDE_INTENTS.has(understood.intent)) return false;
  if (ASKS.test(text.trim())) return true;
  return understood.intent.startsWith('action.') && understood.score >= SURE_REQUEST;
}

/** True when the message is a new question rather than an answer to the button prompt waiting. */
export function isNewQuestion(dc: DialogContext, text: string, intent: Intent): boolean {
  if (STAYS.has(intent)) return false;
  const prompt = waitingPrompt(dc);
  if (!prompt || !BUTTON_PROMPTS.has(prompt.id)) return false;
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[.!?。！？]+$/, '');
  if (YES_NO.has(t) || /^\d+$/.test(t)) return false;
  // "on prem" or "Windows Server 2019" where the kind is asked answers it (IncidentDialog.kindOrProduct).
  if (prompt.id === INCIDENT_KIND_PROMPT && incidentKindNamed(t) !== undefined) return false;
  return prompt.choices.length === 0 || recognizeChoices(t, prompt.choices).length === 0;
}
