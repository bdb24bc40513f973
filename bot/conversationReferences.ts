import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Clock } from '../services/domain/clock';
import { isoTimestamp } from '../services/domain/clock';
import type { ConversationScope, Store, StoreTx } from '../services/storage/repositories';
import { conversationScope } from '../services/storage/scopes';
import { comparableJson } from '../services/storage/storedText';
import { tenantIdOf } from '../dialogs/identity';
import { personalChatOpened } from '../services/alerts/recipients';

export function scopeOf(activity: Partial<Activity>): ConversationScope {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat') return 'groupChat';
  return 'personal';
}

/** A message in a channel thread carries ";messageid=…" in its conversation id: the conversation is the channel. */
export function conversationRootOf(conversationId: string): string {
  return conversationId.replace(/;messageid=.*$/i, '');
}

/**
 * What is kept of a reference: where the conversation is reached, nothing of the message it came
 * with. No activity id (new on every message; alerts are new posts anyway), the channel rather
 * than the thread, and in a channel or group chat no user (whoever spoke last; a new post needs
 * none). Applied to stored rows too, so that rows written before this compare equal.
 */
export function durableReference(
  reference: Partial<ConversationReference>,
  scope: ConversationScope,
): Record<string, unknown> {
  return JSON.parse(JSON.stringify(durableFields(reference, scope))) as Record<string, unknown>; // as stored: no undefined
}

function durableFields(
  reference: Partial<ConversationReference>,
  scope: ConversationScope,
): Record<string, unknown> {
  return {
    user: scope === 'personal' ? reference.user : undefined,
    bot: reference.bot,
    conversation: reference.conversation
      ? { ...reference.conversation, id: conversationRootOf(reference.conversation.id) }
      : undefined,
    channelId: reference.channelId,
    locale: reference.locale,
    serviceUrl: reference.serviceUrl,
  };
}

/**
 * A reference's durable form as it compares with a stored one (comparableJson: as stored, keys
 * sorted). In a channel or group chat the locale is the last speaker's: it alone does not rewrite
 * the row (the one stored, the locale of whoever routed alerts there, stays the channel's alert
 * language).
 */
function comparableReference(reference: Partial<ConversationReference>, scope: ConversationScope): string {
  const fields = durableFields(reference, scope);
  if (scope !== 'personal') fields.locale = undefined;
  // As stored: PostgreSQL keeps U+0000 (say in a hostile conversation id) as U+FFFD.
  return comparableJson(fields);
}

/** A write that stores a conversation reference, run inside a unit of work. */
export type ReferenceWrite = (tx: StoreTx) => Promise<void>;

/**
 * The write this activity's conversation reference needs, or null when the stored one still
 * reaches the conversation: reads first, so an ordinary message writes nothing (each commit is
 * an fsync and takes the database's write lock).
 */
export async function referenceChange(
  store: Store,
  clock: Clock,
  activity: Activity,
): Promise<ReferenceWrite | null> {
  const tenantId = tenantIdOf(activity);
  if (!tenantId || !activity.conversation?.id) return null;
  const conversationId = conversationRootOf(activity.conversation.id);
  const stored = await store.readCached(
    `conversation\u0000${tenantId}\u0000${conversationId}`,
    [conversationScope(tenantId, conversationId)],
    async (tx) => {
      const row = await tx.conversations.get(tenantId, conversationId);
      // Only what the comparison needs is kept, its form made once: the read cache counts its bytes.
      return row && { scope: row.scope, form: comparableReference(row.reference, row.scope) };
    },
  );
  const scope = scopeOf(activity);
  const fresh = TurnContext.getConversationReference(activity);
  if (stored && stored.scope === scope && stored.form === comparableReference(fresh, scope)) return null;
  return referenceWrite(clock, activity);
}

/** Saves where this conversation can be reached later (proactive alerts), in the database. */
export async function saveConversationReference(
  store: Store,
  clock: Clock,
  activity: Activity,
): Promise<void> {
  const write = referenceWrite(clock, activity);
  if (write) await store.transaction(write);
}

function referenceWrite(clock: Clock, activity: Activity): ReferenceWrite | null {
  const tenantId = tenantIdOf(activity);
  if (!tenantId || !activity.conversation?.id) return null;
  const conversationId = conversationRootOf(activity.conversation.id);
  const scope = scopeOf(activity);
  const reference = durableReference(TurnContext.getConversationReference(activity), scope);
  const aadObjectId = scope === 'personal' ? (activity.from?.aadObjectId?.toLowerCase() ?? null) : null;
  return async (tx) => {
    const at = isoTimestamp(clock);
    await tx.conversations.upsert({ tenantId, conversationId, aadObjectId, scope, reference, updatedAt: at });
    if (aadObjectId) await personalChatOpened(tx, tenantId, aadObjectId, conversationId, at);
  };
}

export async function removeConversationReference(store: Store, activity: Activity): Promise<void> {
  const tenantId = tenantIdOf(activity);
  if (!tenantId || !activity.conversation?.id) return;
  const conversationId = conversationRootOf(activity.conversation.id);
  await store.transaction((tx) => tx.conversations.remove(tenantId, conversationId));
}
