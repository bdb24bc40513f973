/**
 * Sends one alert card into a stored conversation with `continueConversationAsync`, and turns
 * connector failures into AlertSendError (status + Retry-After) for the dispatcher, which
 * owns retries and rate shaping.
 */
import { TurnContext, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { alertCard, type CardRenderer } from '../cards';
import type { TraditionalChinese } from '../cards/traditional';
import { chineseVariantOf, languageOf } from '../dialogs/language';
import { AlertSendError, type AlertJob, type AlertSender } from '../services/alerts/alertDispatcher';
import { parseRetryAfter, withoutRetries } from './connectorPolicy';
import { cardMessage } from './replies';

export class TeamsAlertSender implements AlertSender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly cards: CardRenderer,
    /** Alerts skip the turn's replies (bot/traditionalReplies.ts): zh-TW / zh-HK cards are converted here. */
    private readonly traditional?: TraditionalChinese,
  ) {}

  async send(job: AlertJob): Promise<void> {
    const reference = job.reference.reference as Partial<ConversationReference>;
    const locale = job.locale ?? (reference as { locale?: string }).locale;
    const lang = languageOf(locale);
    const variant = chineseVariantOf(locale);
    const simplified = alertCard(
      this.cards,
      {
        payload: job.alert.payload,
        organisationName: job.organisationName,
        offer: job.offer,
        names: job.names,
      },
      lang,
    );
    const card = variant && this.traditional ? this.traditional.card(simplified, variant) : simplified;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context: TurnContext) => {
        const connector = context.turnState.get<ConnectorClient>(this.adapter.ConnectorClientKey);
        // The dispatcher decides retries itself, with the rate budget knowing about each request;
        // the call keeps its deadline (REPLY_TIMEOUT_MS).
        withoutRetries(connector);
        // An alert is a new message in the conversation (POST .../activities). context.sendActivity
        // would reply to the SDK's made-up continuation activity id instead, which in a channel
        // is a reply in a thread rather than a new post.
        const message = TurnContext.applyConversationReference(cardMessage(card), {
          ...TurnContext.getConversationReference(context.activity),
          activityId: undefined,
        });
        await connector.conversations.sendToConversation(context.activity.conversation.id, message);
      });
    } catch (err) {
      throw toSendError(err);
    }
  }
}

function toSendError(err: unknown): AlertSendError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    statusCode?: number;
    message?: string;
    response?: { headers?: unknown };
  };
  const status = typeof e.statusCode === 'number' ? e.statusCode : null;
  const retryAfterMs = parseRetryAfter(header(e.response?.headers, 'retry-after'));
  return new AlertSendError(status, e.message ?? String(err), retryAfterMs ?? null);
}

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  const h = headers as { get?: (n: string) => string | undefined } & Record<string, unknown>;
  if (typeof h.get === 'function') return h.get(name) ?? null;
  const v = h[name];
  return typeof v === 'string' ? v : null;
}
