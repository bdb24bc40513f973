import { TurnContext, type Activity } from 'botbuilder';
import type { Clock } from '../services/domain/clock';
import { isoTimestamp } from '../services/domain/clock';
import type { ConversationScope, Store } from '../services/storage/repositories';
import { tenantIdOf } from '../dialogs/identity';
import { userRecipient } from '../services/alerts/recipients';

export function scopeOf(activity: Partial<Activity>): ConversationScope {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat') return 'groupChat';
  return 'personal';
}

/** Like saveConversationReference, but reads first so an unchanged reference costs no write. */
export async function saveConversationReferenceIfChanged(
  store: Store,
  clock: Clock,
  activity: Activity,
): Promise<void> {
  const tenantId = tenantIdOf(activity);
  if (!tenantId || !activity.conversation?.id) return;
  const stored = await store.readCached(
    `conversation\u0000${tenantId}\u0000${activity.conversation.id}`,
    (tx) => tx.conversations.get(tenantId, activity.conversation.id),
  );
  const reference = TurnContext.getConversationReference(activity);
  if (stored && JSON.stringify(stored.reference) === JSON.stringify(reference)) return;
  await saveConversationReference(store, clock, activity);
}

/** Saves where this conversation can be reached later (proactive alerts), in the database. */
export async function saveConversationReference(
  store: Store,
  clock: Clock,
  activity: Activity,
): Promise<void> {
  const tenantId = tenantIdOf(activity);
  if (!tenantId || !activity.conversation?.id) return;
  const scope = scopeOf(activity);
  const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
  const aadObjectId = scope === 'personal' ? (activity.from?.aadObjectId?.toLowerCase() ?? null) : null;
  const at = isoTimestamp(clock);
  await store.transaction(async (tx) => {
    await tx.conversations.upsert({
      tenantId,
      conversationId: activity.conversation.id,
      aadObjectId,
      scope,
      reference,
      updatedAt: at,
    });
    // Alerts that found no way to this person go out now that there is one.
    if (aadObjectId)
      await tx.deliveries.requeueUnreachable(
        tenantId,
        userRecipient(aadObjectId),
        activity.conversation.id,
        at,
      );
  });
}

export async function removeConversationReference(store: Store, activity: Activity): Promise<void> {
  const tenantId = tenantIdOf(activity);
  if (!tenantId || !activity.conversation?.id) return;
  await store.transaction((tx) => tx.conversations.remove(tenantId, activity.conversation.id));
}
