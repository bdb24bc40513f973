/**
 * The benefit a conversation is about, so that "that one", "it", "那个" in the next questions
 * refer to it. Kept in the conversation's state (per person and conversation), small, and only
 * for a while: after FOCUS_TTL_MS a pronoun means nothing again.
 */
import { isDeepStrictEqual } from 'node:util';
import { NAMES } from '../services/domain/facts';
import type { BenefitType } from '../services/domain/types';
import { DATA_INTENTS } from './benefitAnswers';
import type { IntentClassifier, Understood } from './understanding/classifier';
import { isShort } from './understanding/normalise';

export interface Focus {
  benefitId: string;
  type: BenefitType;
  /** When an answer was about several (an offer's two benefits): all of them, benefitId first. */
  benefitIds?: string[];
  /** Epoch milliseconds (the services' clock) when it was named or acted on. */
  at: number;
}

export const FOCUS_TTL_MS = 10 * 60_000;

/**
 * A focus on the same benefits set less than this long ago is kept as it is: every rewrite is a
 * state commit (an fsync), and admins' card buttons name the same benefit turn after turn. "It"
 * then lasts between FOCUS_TTL_MS - FOCUS_REFRESH_MS and FOCUS_TTL_MS after the last mention.
 */
export const FOCUS_REFRESH_MS = 60_000;

/** At most this many benefits are "it": an answer about more was about everything. */
export const FOCUS_MAX_BENEFITS = 4;

/** The benefits "it" means. */
export function focusedIds(focus: Focus): string[] {
  return focus.benefitIds ?? [focus.benefitId];
}

/** The focus if it is still fresh at `now`. */
export function freshFocus(focus: Focus | undefined, now: number): Focus | undefined {
  if (!focus || typeof focus.benefitId !== 'string' || typeof focus.at !== 'number') return undefined;
  if (
    focus.benefitIds !== undefined &&
    !(Array.isArray(focus.benefitIds) && focus.benefitIds.every((id) => typeof id === 'string'))
  )
    return undefined;
  return now - focus.at <= FOCUS_TTL_MS && now >= focus.at ? focus : undefined;
}

/** The focus to keep when `next` is named: the current one if it is on the same benefits and recent. */
export function refreshedFocus(current: Focus | undefined, next: Focus): Focus {
  const fresh = freshFocus(current, next.at);
  if (!fresh || next.at - fresh.at >= FOCUS_REFRESH_MS) return next;
  const subject = (f: Focus) => [f.type, f.benefitId, f.benefitIds];
  return isDeepStrictEqual(subject(fresh), subject(next)) ? fresh : next;
}

/** A question this short ("status?", "and the expiry?", "状态呢") may mean the benefit in focus without a pronoun. */
const BRIEF_WORDS = 5;
const BRIEF_CHARS = 30;

/**
 * A pronoun ("is it active?", "那个还剩几个") or a brief question ("what's the status?") with a
 * benefit in focus: when the words alone say nothing, they are read again with the benefit's name
 * in place of the pronoun, and taken only as a question about that benefit's own figures.
 */
export function readWithFocus(
  classifier: IntentClassifier,
  text: string,
  locale: string | undefined,
  focus: Focus | undefined,
): Understood {
  const understood = classifier.classify(text, locale);
  const e = understood.entities;
  if (
    understood.intent !== 'none' ||
    !focus ||
    e.benefit ||
    !(e.followUp || isShort(text, BRIEF_CHARS, BRIEF_WORDS))
  )
    return understood;
  const again = classifier.classify(`${text} ${NAMES[focus.type][understood.language]}`, locale);
  // Only a question about the benefit's own figures; "is it active?" read as "what is Product Support?" is not.
  if (again.intent === 'none' || !DATA_INTENTS.has(again.intent)) return understood;
  return { ...again, entities: { ...e, followUp: true } }; // about the benefit in focus
}
