/**
 * The benefit a conversation is about, so that "that one", "it", "那个" in the next questions
 * refer to it. Kept in the conversation's state (per person and conversation), small, and only
 * for a while: after FOCUS_TTL_MS a pronoun means nothing again.
 */
import type { BenefitType } from '../services/domain/types';

export interface Focus {
  benefitId: string;
  type: BenefitType;
  /** Epoch milliseconds (the services' clock) when it was named or acted on. */
  at: number;
}

export const FOCUS_TTL_MS = 10 * 60_000;

/** The focus if it is still fresh at `now`. */
export function freshFocus(focus: Focus | undefined, now: number): Focus | undefined {
  if (!focus || typeof focus.benefitId !== 'string' || typeof focus.at !== 'number') return undefined;
  return now - focus.at <= FOCUS_TTL_MS && now >= focus.at ? focus : undefined;
}
