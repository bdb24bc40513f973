/**
 * The person's locale for the whole turn: Teams puts it on the activity, and also in the
 * clientInfo entity; some clients and channels send only the latter. When activity.locale is
 * missing, the clientInfo locale is copied onto it first thing, so every part that reads the
 * locale (answer language, Traditional replies, prompts, saved conversation references) agrees.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';

/** A BCP 47 tag as Teams sends them ("en-US", "zh-TW", "zh-Hant-HK"); anything else is ignored. */
const LOCALE_TAG = /^[a-z]{2,3}(?:[-_][a-z0-9]{2,8}){0,3}$/i;

/** The locale Teams' clientInfo entity carries, when it is a plausible language tag. */
export function clientInfoLocale(activity: Partial<Activity>): string | undefined {
  for (const entity of activity.entities ?? []) {
    const { type, locale } = entity as { type?: unknown; locale?: unknown };
    if (type === 'clientInfo' && typeof locale === 'string' && LOCALE_TAG.test(locale.trim()))
      return locale.trim();
  }
  return undefined;
}

export class ClientLocale implements Middleware {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    if (typeof activity.locale !== 'string' || activity.locale.trim() === '') {
      const locale = clientInfoLocale(activity);
      if (locale) activity.locale = locale;
    }
    await next();
  }
}
