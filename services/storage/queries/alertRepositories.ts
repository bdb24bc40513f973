/** The alert repositories (outbox, deliveries, settings), part of storeRepositories.ts. */
import type { AlertSettings, QuotaThreshold } from '../../domain/types';
import type { AlertDeliveryRepository, AlertSettingsRepository, OutboxRepository } from '../repositories';
import type { Executor } from './executor';
import { toDelivery, toOutbox } from './rows';

export function alertRepositories(x: Executor): {
  outbox: OutboxRepository;
  deliveries: AlertDeliveryRepository;
  alertSettings: AlertSettingsRepository;
} {
  const { q, codec } = x;
  return {
    outbox: {
      append: async (tenantId, payload, createdAt) => {
        await x.count(q.outboxAppend, { tenantId, payload: codec.json(payload), createdAt, dedupeKey: null });
      },
      appendOnce: async (tenantId, dedupeKey, payload, createdAt) =>
        (await x.count(q.outboxAppend, { tenantId, payload: codec.json(payload), createdAt, dedupeKey })) ===
        1,
      get: async (id) => {
        const r = await x.row(q.outboxGet, { id });
        return r ? toOutbox(codec, r) : null;
      },
      list: async (tenantId) => (await x.rows(q.outboxList, { tenantId })).map((r) => toOutbox(codec, r)),
      listNotFannedOut: async (limit) =>
        (await x.rows(q.outboxPending, { limit })).map((r) => toOutbox(codec, r)),
      markFannedOut: async (id, at) => {
        await x.count(q.outboxFannedOut, { id, at });
      },
    },
    deliveries: {
      add: async (d) => {
        await x.count(q.deliveryAdd, d);
      },
      listDue: async (now, limit) => (await x.rows(q.deliveryDue, { now, limit })).map(toDelivery),
      claim: async (ids, owner, now, leaseMs) => {
        if (ids.length === 0) return [];
        const until = new Date(Date.parse(now) + leaseMs).toISOString();
        const rows = await x.rows(q.deliveryClaim, { ids: codec.inList(ids), owner, now, until, leaseMs });
        const taken = new Set(rows.map((r) => r.id));
        return ids.filter((id) => taken.has(id)); // in the caller's order
      },
      markSent: async (id, at) => {
        await x.count(q.deliverySent, { id, at });
      },
      retryLater: async (id, nextAttemptAt, error) => {
        await x.count(q.deliveryRetry, { id, nextAttemptAt, error });
      },
      markUnreachable: async (id, error, at) => {
        await x.count(q.deliveryUnreachable, { id, error, at });
      },
      requeueUnreachable: (tenantId, recipient, conversationId, at) =>
        x.count(q.deliveryRequeue, { tenantId, recipient, conversationId, at }),
      list: async (tenantId) => (await x.rows(q.deliveryList, { tenantId })).map(toDelivery),
      get: async (id) => {
        const r = await x.row(q.deliveryGet, { id });
        return r ? toDelivery(r) : null;
      },
      recentSends: async (since, now) =>
        (await x.rows(q.deliveryRecent, { since, now })).map((r) => ({
          tenantId: r.tenant_id,
          conversationId: r.conversation_id,
          sentAt: r.sent_at,
        })),
      countQueued: async () => (await x.row(q.deliveryQueued, {}))?.n ?? 0,
    },
    alertSettings: {
      get: async (tenantId) => {
        const r = await x.row(q.settingsGet, { tenantId });
        if (!r) return null;
        const settings: AlertSettings = {
          tenantId,
          thresholds: codec.fromJson<QuotaThreshold[]>(r.thresholds),
          pendingReminderDays: r.pending_reminder_days,
          channelConversationId: r.channel_conversation_id,
        };
        return settings;
      },
      save: async (s, by, at) => {
        await x.count(q.settingsSave, {
          tenantId: s.tenantId,
          thresholds: codec.json(s.thresholds),
          pendingReminderDays: s.pendingReminderDays,
          channelConversationId: s.channelConversationId,
          by,
          at,
        });
      },
      setMuted: async (tenantId, aadObjectId, muted, at) => {
        if (muted) await x.count(q.mute, { tenantId, aadObjectId, at });
        else await x.count(q.unmute, { tenantId, aadObjectId });
      },
      mutedUsers: async (tenantId) =>
        new Set((await x.rows(q.muted, { tenantId })).map((r) => r.aad_object_id)),
    },
  };
}
