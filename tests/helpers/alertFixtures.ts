/** Alert test data shared by the alert tests and bench:alerts: references, alerts, deliveries. */
import type { AlertPayload } from '../../services/domain/types';
import type { Store } from '../../services/storage/repositories';
import { TENANT, USERS } from './fixtures';

/** A quota alert as the incident service writes it: half of the Action Pack's 10 incidents used. */
export const QUOTA_ALERT: AlertPayload = {
  kind: 'quotaThreshold',
  threshold: 'half',
  benefitId: 'ap.productSupport',
  benefitType: 'productSupport',
  offerId: 'ap',
  total: 10,
  used: 5,
  remaining: 5,
  incidentId: 'INC-TEST',
  openedBy: USERS.member,
};

/** Stores a conversation reference pointing at `serviceUrl` (the fake connector), as installing the bot does. */
export async function install(
  store: Store,
  serviceUrl: string,
  conversationId: string,
  opts: { aadObjectId?: string; scope?: 'personal' | 'channel' } = {},
): Promise<void> {
  const scope = opts.scope ?? 'personal';
  await store.transaction((tx) =>
    tx.conversations.upsert({
      tenantId: TENANT,
      conversationId,
      aadObjectId: scope === 'personal' ? (opts.aadObjectId ?? null) : null,
      scope,
      reference: {
        channelId: 'msteams',
        serviceUrl,
        conversation: { id: conversationId, conversationType: scope, tenantId: TENANT },
        bot: { id: '28:partner-support', name: 'Partner support' },
        user: { id: `29:${conversationId}`, aadObjectId: opts.aadObjectId },
      },
      updatedAt: new Date().toISOString(),
    }),
  );
}

/** Appends quota alerts to the outbox, to be fanned out to the organisation's recipients. */
export async function queueAlerts(store: Store, n: number): Promise<void> {
  await store.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await tx.outbox.append(TENANT, QUOTA_ALERT, new Date().toISOString());
  });
}

/**
 * One alert already fanned out into `count` deliveries, round-robin over `conversationIds`
 * (each delivery its own recipient): load for the rate budget without that many people.
 * Returns how many each conversation should receive.
 */
export async function queueDeliveries(
  store: Store,
  conversationIds: readonly string[],
  count: number,
): Promise<Map<string, number>> {
  const at = new Date().toISOString();
  const expected = new Map<string, number>();
  await store.transaction(async (tx) => {
    await tx.outbox.append(TENANT, QUOTA_ALERT, at);
    const alerts = await tx.outbox.list(TENANT);
    const alert = alerts[alerts.length - 1];
    await tx.outbox.markFannedOut(alert.id, at);
    for (let i = 0; i < count; i++) {
      const conversationId = conversationIds[i % conversationIds.length];
      expected.set(conversationId, (expected.get(conversationId) ?? 0) + 1);
      await tx.deliveries.add({
        outboxId: alert.id,
        tenantId: TENANT,
        recipient: `channel:${conversationId}#${i}`,
        conversationId,
        state: 'queued',
        lastError: null,
        at,
      });
    }
  });
  return expected;
}
