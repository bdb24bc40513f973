/** SQLite implementation of the alert repositories (outbox, deliveries, settings). */
import type Database from 'better-sqlite3';
import type {
  AlertDelivery,
  AlertPayload,
  AlertSettings,
  OutboxAlert,
  QuotaThreshold,
} from '../../domain/types';
import type { AlertDeliveryRepository, AlertSettingsRepository, OutboxRepository } from '../repositories';
import { str, strOrNull, type Row } from './rows';

function toOutbox(r: Row): OutboxAlert {
  return {
    id: Number(r.id),
    tenantId: str(r.tenant_id),
    payload: JSON.parse(str(r.payload)) as AlertPayload,
    createdAt: str(r.created_at),
    fannedOutAt: strOrNull(r.fanned_out_at),
  };
}

export function toDelivery(r: Row): AlertDelivery {
  return {
    id: Number(r.id),
    outboxId: Number(r.outbox_id),
    tenantId: str(r.tenant_id),
    recipient: str(r.recipient),
    conversationId: strOrNull(r.conversation_id),
    state: str(r.state) as AlertDelivery['state'],
    attempts: Number(r.attempts),
    nextAttemptAt: str(r.next_attempt_at),
    leaseOwner: strOrNull(r.lease_owner),
    leaseUntil: strOrNull(r.lease_until),
    lastError: strOrNull(r.last_error),
    sentAt: strOrNull(r.sent_at),
    createdAt: str(r.created_at),
  };
}

export function sqliteAlertRepositories(db: Database.Database): {
  outbox: OutboxRepository;
  deliveries: AlertDeliveryRepository;
  alertSettings: AlertSettingsRepository;
} {
  const q = {
    outboxAppend: db.prepare(
      'INSERT INTO alert_outbox (tenant_id, payload, created_at, dedupe_key) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    outboxGet: db.prepare('SELECT * FROM alert_outbox WHERE id = ?'),
    outboxList: db.prepare('SELECT * FROM alert_outbox WHERE tenant_id = ? ORDER BY id'),
    outboxPending: db.prepare('SELECT * FROM alert_outbox WHERE fanned_out_at IS NULL ORDER BY id LIMIT ?'),
    outboxFannedOut: db.prepare('UPDATE alert_outbox SET fanned_out_at = ? WHERE id = ?'),
    deliveryAdd: db.prepare(
      `INSERT INTO alert_deliveries (outbox_id, tenant_id, recipient, conversation_id, state, next_attempt_at, last_error, created_at)
       VALUES (@outboxId, @tenantId, @recipient, @conversationId, @state, @at, @lastError, @at)
       ON CONFLICT (outbox_id, recipient) DO NOTHING`,
    ),
    deliveryDue: db.prepare(
      `SELECT * FROM alert_deliveries
       WHERE state = 'queued' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
       ORDER BY next_attempt_at, id LIMIT @limit`,
    ),
    deliveryLease: db.prepare(
      `UPDATE alert_deliveries SET lease_owner = @owner, lease_until = @until, attempts = attempts + 1
       WHERE id = @id AND state = 'queued' AND (lease_until IS NULL OR lease_until < @now)`,
    ),
    deliveryRecent: db.prepare(
      `SELECT tenant_id, coalesce(conversation_id, recipient) AS conversation_id, sent_at FROM alert_deliveries
       WHERE (state = 'sent' AND sent_at >= @since) OR (state = 'queued' AND lease_until >= @now)`,
    ),
    deliverySent: db.prepare(
      `UPDATE alert_deliveries SET state = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL
       WHERE id = ?`,
    ),
    deliveryRetry: db.prepare(
      `UPDATE alert_deliveries SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND state = 'queued'`,
    ),
    deliveryUnreachable: db.prepare(
      `UPDATE alert_deliveries SET state = 'unreachable', last_error = ?, next_attempt_at = ?, lease_owner = NULL,
         lease_until = NULL WHERE id = ? AND state = 'queued'`,
    ),
    deliveryRequeue: db.prepare(
      `UPDATE alert_deliveries SET state = 'queued', conversation_id = ?, next_attempt_at = ?, last_error = NULL
       WHERE tenant_id = ? AND recipient = ? AND state = 'unreachable'`,
    ),
    deliveryList: db.prepare('SELECT * FROM alert_deliveries WHERE tenant_id = ? ORDER BY id'),
    deliveryGet: db.prepare('SELECT * FROM alert_deliveries WHERE id = ?'),
    deliveryQueued: db.prepare("SELECT count(*) AS n FROM alert_deliveries WHERE state = 'queued'"),
    settingsGet: db.prepare('SELECT * FROM alert_settings WHERE tenant_id = ?'),
    settingsSave: db.prepare(
      `INSERT INTO alert_settings (tenant_id, thresholds, pending_reminder_days, channel_conversation_id, updated_by, updated_at)
       VALUES (@tenantId, @thresholds, @pendingReminderDays, @channelConversationId, @by, @at)
       ON CONFLICT (tenant_id) DO UPDATE SET thresholds = excluded.thresholds,
         pending_reminder_days = excluded.pending_reminder_days,
         channel_conversation_id = excluded.channel_conversation_id,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    ),
    mute: db.prepare(
      'INSERT INTO alert_mutes (tenant_id, aad_object_id, muted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    unmute: db.prepare('DELETE FROM alert_mutes WHERE tenant_id = ? AND aad_object_id = ?'),
    muted: db.prepare('SELECT aad_object_id FROM alert_mutes WHERE tenant_id = ?'),
  };
  return {
    outbox: {
      append: async (tenantId, payload, createdAt) => {
        q.outboxAppend.run(tenantId, JSON.stringify(payload), createdAt, null);
      },
      appendOnce: async (tenantId, dedupeKey, payload, createdAt) =>
        q.outboxAppend.run(tenantId, JSON.stringify(payload), createdAt, dedupeKey).changes === 1,
      get: async (id) => {
        const r = q.outboxGet.get(id) as Row | undefined;
        return r ? toOutbox(r) : null;
      },
      list: async (tenantId) => (q.outboxList.all(tenantId) as Row[]).map(toOutbox),
      listNotFannedOut: async (limit) => (q.outboxPending.all(limit) as Row[]).map(toOutbox),
      markFannedOut: async (id, at) => {
        q.outboxFannedOut.run(at, id);
      },
    },
    deliveries: {
      add: async (d) => {
        q.deliveryAdd.run(d);
      },
      listDue: async (now, limit) => (q.deliveryDue.all({ now, limit }) as Row[]).map(toDelivery),
      claim: async (ids, owner, now, leaseMs) => {
        const until = new Date(Date.parse(now) + leaseMs).toISOString();
        return ids.filter((id) => q.deliveryLease.run({ id, owner, now, until }).changes === 1);
      },
      markSent: async (id, at) => {
        q.deliverySent.run(at, id);
      },
      retryLater: async (id, nextAttemptAt, error) => {
        q.deliveryRetry.run(nextAttemptAt, error, id);
      },
      markUnreachable: async (id, error, at) => {
        q.deliveryUnreachable.run(error, at, id);
      },
      requeueUnreachable: async (tenantId, recipient, conversationId, at) =>
        q.deliveryRequeue.run(conversationId, at, tenantId, recipient).changes,
      list: async (tenantId) => (q.deliveryList.all(tenantId) as Row[]).map(toDelivery),
      get: async (id) => {
        const r = q.deliveryGet.get(id) as Row | undefined;
        return r ? toDelivery(r) : null;
      },
      recentSends: async (since, now) =>
        (q.deliveryRecent.all({ since, now }) as Row[]).map((r) => ({
          tenantId: str(r.tenant_id),
          conversationId: str(r.conversation_id),
          sentAt: strOrNull(r.sent_at),
        })),
      countQueued: async () => Number((q.deliveryQueued.get() as Row).n),
    },
    alertSettings: {
      get: async (tenantId) => {
        const r = q.settingsGet.get(tenantId) as Row | undefined;
        if (!r) return null;
        const settings: AlertSettings = {
          tenantId,
          thresholds: JSON.parse(str(r.thresholds)) as QuotaThreshold[],
          pendingReminderDays: Number(r.pending_reminder_days),
          channelConversationId: strOrNull(r.channel_conversation_id),
        };
        return settings;
      },
      save: async (s, by, at) => {
        q.settingsSave.run({ ...s, thresholds: JSON.stringify(s.thresholds), by, at });
      },
      setMuted: async (tenantId, aadObjectId, muted, at) => {
        if (muted) q.mute.run(tenantId, aadObjectId, at);
        else q.unmute.run(tenantId, aadObjectId);
      },
      mutedUsers: async (tenantId) =>
        new Set((q.muted.all(tenantId) as Row[]).map((r) => str(r.aad_object_id))),
    },
  };
}
