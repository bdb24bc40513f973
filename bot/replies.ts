import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { refusalCard, refusalFromError, type AdaptiveCard, type CardRenderer } from '../cards';
import type { Language } from '../services/domain/facts';
import { BenefitRuleError } from '../services/domain/errors';

export function cardMessage(card: AdaptiveCard, text?: string): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card), text);
}

/** A card answer as a message with the card, a short answer as plain text. */
export function replyActivity(
  reply: { card: AdaptiveCard } | { message: string },
): Partial<Activity> | string {
  return 'card' in reply ? cardMessage(reply.card) : reply.message;
}

/** The card that explains a refusal and what to do about it. */
export function refusalFor(
  r: CardRenderer,
  err: BenefitRuleError,
  lang: Language,
  opts: { canActivate?: boolean } = {},
): AdaptiveCard {
  return refusalCard(r, { ...refusalFromError(err), ...opts }, lang);
}

export const SORRY = {
  en: 'Sorry, something went wrong on my side. Your request was not completed; please try again in a moment.',
  zh: '抱歉，我这边出了点问题，你的请求未完成，请稍后重试。',
} as const;

/** The database could not be reached (bot/databaseFaults.ts): the turn's state was not saved, and asking again is safe. */
export const DATA_UNREACHABLE = {
  en: "Sorry, I can't reach my data right now, so I couldn't finish this. Please try again in a few minutes.",
  zh: '抱歉，我现在无法访问数据，所以没能完成这个请求。请过几分钟再试。',
} as const;

export const NO_IDENTITY = {
  en: 'I can only help people signed in to Microsoft Teams with their work account.',
  zh: '我只能为使用工作帐户登录 Microsoft Teams 的用户提供帮助。',
} as const;

/** Told once to a person over the per-person turn limit (bot/turnLimits.ts). */
export const PERSON_TOO_FAST = {
  en: 'You are sending messages faster than I can answer them, so I will skip new ones for a moment. Please wait a minute, then try again.',
  zh: '你发送消息的速度超出了我的处理能力，我会暂时跳过新的消息。请稍等一分钟后再试。',
} as const;

/** Told once to each person while their organisation is over the per-tenant turn limit. */
export const TENANT_TOO_BUSY = {
  en: 'I am receiving more requests from your organisation than I can answer right now, so I will skip new ones for a moment. Please try again in a few minutes.',
  zh: '我目前收到来自你所在组织的请求过多，暂时无法全部处理，会暂时跳过新的请求。请几分钟后再试。',
} as const;
