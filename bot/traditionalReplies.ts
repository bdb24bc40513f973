/**
 * zh-TW and zh-HK users are answered in Traditional characters (issue 13): every reply of their
 * turn, text, cards and invoke answers alike, is converted here, as it leaves. Wordings stay
 * written once, in Simplified characters.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { TraditionalChinese } from '../cards/traditional';
import { chineseVariantOf, type ChineseVariant } from '../dialogs/language';

export class TraditionalReplies implements Middleware {
  constructor(private readonly traditional: TraditionalChinese) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const variant = chineseVariantOf(context.activity.locale);
    if (variant) {
      context.onSendActivities(async (_context, activities, send) => {
        activities.forEach((a, i) => (activities[i] = this.activity(a, variant)));
        return send();
      });
    }
    await next();
  }

  /** A copy of an outgoing activity with what a person sees in Traditional characters. */
  activity(activity: Partial<Activity>, variant: ChineseVariant): Partial<Activity> {
    const t = this.traditional;
    const out: Partial<Activity> = { ...activity };
    if (typeof out.text === 'string') out.text = t.text(out.text, variant);
    if (typeof out.speak === 'string') out.speak = t.text(out.speak, variant);
    if (typeof out.summary === 'string') out.summary = t.text(out.summary, variant);
    if (out.attachments)
      out.attachments = out.attachments.map((a) => ({ ...a, content: t.card(a.content, variant) }));
    if (out.suggestedActions)
      out.suggestedActions = {
        ...out.suggestedActions,
        actions: out.suggestedActions.actions.map((a) => ({
          ...a,
          title: a.title && t.text(a.title, variant),
          displayText: a.displayText && t.text(a.displayText, variant),
        })),
      };
    // An Action.Execute answer: { status, body: { statusCode, type, value: card or message } }.
    const invoke =
      out.type === 'invokeResponse' ? (out.value as { body?: { value?: unknown } } | undefined) : undefined;
    if (invoke?.body && invoke.body.value !== undefined)
      out.value = { ...invoke, body: { ...invoke.body, value: t.card(invoke.body.value, variant) } };
    return out;
  }
}
