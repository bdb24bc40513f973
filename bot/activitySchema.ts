/**
 * The shape of an incoming activity, checked at the edge so that nothing deeper meets a field
 * of the wrong type. It covers the fields the bot and the SDK read; other fields pass through
 * (Teams adds new ones). Limits are far above anything Teams sends.
 */
import type { Activity } from 'botbuilder';
import { z } from 'zod';

const short = z.string().max(256);
const id = z.string().min(1).max(1024);
const dateText = z
  .string()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'not a date');

const account = z
  .object({
    id,
    name: z.string().max(1024).optional(),
    aadObjectId: z.string().max(128).optional(),
    role: short.optional(),
  })
  .passthrough();

const conversation = z
  .object({
    id,
    conversationType: short.optional(),
    tenantId: z.string().max(128).optional(),
    isGroup: z.boolean().optional(),
    name: z.string().max(1024).optional(),
  })
  .passthrough();

// TurnContext.removeRecipientMention reads mentioned.id and text of every mention.
const entity = z.union([
  z
    .object({
      type: z.string().regex(/^mention$/i),
      mentioned: z.object({ id: z.string().max(1024) }).passthrough(),
      text: z.string().max(2048).optional(),
    })
    .passthrough(),
  z
    .object({
      type: z
        .string()
        .max(256)
        .refine((t) => t.toLowerCase() !== 'mention'),
    })
    .passthrough(),
]);

const object = z.record(z.unknown());

/** Card verbs are dotted words (benefits.show); anything else, __proto__ included, is not a verb. */
const VERB = /^[a-z][a-zA-Z0-9.]{0,63}$/;
function verbOk(verb: unknown): boolean {
  return verb === undefined || (typeof verb === 'string' && VERB.test(verb));
}

/** Teams messages are at most about 28 KB; anything longer is not from Teams. */
export const MAX_TEXT_LENGTH = 30_000;

const activity = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(1024).optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z
      .string()
      .max(2048)
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'not an http(s) URL'),
    timestamp: dateText.optional(),
    localTimestamp: dateText.optional(),
    expiration: dateText.optional(),
    locale: z.string().max(64).optional(),
    text: z.string().max(MAX_TEXT_LENGTH).optional(),
    textFormat: short.optional(),
    from: account,
    recipient: account,
    conversation,
    channelData: object.optional(),
    name: short.optional(),
    action: short.optional(),
    replyToId: z.string().max(1024).optional(),
    deliveryMode: short.optional(),
    value: z.unknown().optional(),
    entities: z.array(entity).max(100).optional(),
    attachments: z.array(object).max(50).optional(),
    membersAdded: z.array(account).max(1000).optional(),
    membersRemoved: z.array(account).max(1000).optional(),
  })
  .passthrough()
  .superRefine((a, ctx) => {
    const tenant = (a.channelData as { tenant?: unknown } | undefined)?.tenant;
    if (
      tenant !== undefined &&
      (typeof tenant !== 'object' || tenant === null || typeof (tenant as { id?: unknown }).id !== 'string')
    )
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['channelData', 'tenant', 'id'],
        message: 'not a string',
      });
    // The bot's own proactive turns carry this event; from outside it could pass the turn gates.
    if (a.type === 'event' && typeof a.name === 'string' && a.name.toLowerCase() === 'continueconversation')
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'not accepted from a channel' });
    // Card actions: the verb is looked up in a table, the data is read field by field.
    if (a.type === 'invoke' && a.name === 'adaptiveCard/action') {
      const action = (a.value as { action?: unknown } | undefined)?.action;
      const valid =
        typeof action === 'object' &&
        action !== null &&
        verbOk((action as { verb?: unknown }).verb) &&
        ['object', 'undefined'].includes(typeof (action as { data?: unknown }).data);
      if (!valid)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['value', 'action'],
          message: 'not a card action',
        });
    }
    // Action.Submit (Teams mobile) sends the card's data, verb included, as a message's value.
    if (a.type === 'message' && typeof a.value === 'object' && a.value !== null) {
      if (!verbOk((a.value as { verb?: unknown }).verb))
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['value', 'verb'], message: 'not a card verb' });
    }
  });

/** The body is not an activity this bot accepts; the message says which field and why. */
export class InvalidActivityError extends Error {}

/** The body as an Activity, or InvalidActivityError naming the first wrong field. */
export function parseActivity(body: unknown): Activity {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidActivityError('the body is not a JSON object');
  const result = activity.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidActivityError(`${issue.path.join('.') || 'activity'}: ${issue.message}`);
  }
  // safeParse returns a copy with the same fields; the SDK expects Dates for these three.
  const parsed = result.data as unknown as Activity & Record<string, unknown>;
  for (const field of ['timestamp', 'expiration', 'localTimestamp'] as const) {
    const value: unknown = parsed[field];
    if (typeof value === 'string') {
      parsed[`raw${field[0].toUpperCase()}${field.slice(1)}`] = value;
      (parsed as Record<string, unknown>)[field] = new Date(value);
    }
  }
  return parsed;
}
