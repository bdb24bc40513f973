/** PostgreSQL implementation of the alert repositories (outbox, deliveries, settings). */
import type { AlertPayload, AlertSettings, OutboxAlert, QuotaThreshold } from '../../domain/types';
import type { AlertDeliveryRepository, AlertSettingsRepository, OutboxRepository } from '../repositories';
import { str, strOrNull, type Row } from '../sqlite/rows';
import { toDelivery } from '../sqlite/sqliteAlerts';
import { jsonb, type Statements } from './statements';

const toOutbox = (r: Row): OutboxAlert => ({
  id: Number(r.id),
  tenantId: str(r.tenant_id),
  payload: r.payload as AlertPayload,
  createdAt: str(r.created_at),
  fannedOutAt: strOrNull(r.fanned_out_at),
});

const SQL = {
  outboxAppend: `INSERT INTO alert_outbox (tenant_id, payload, created_at, dedupe_key) VALUES ($1, $2::jsonb, $3, $4)
    ON CONFLICT DO NOTHING`,
  outboxGet: 'SELECT * FROM alert_outbox WHERE id = $1',
  outboxList: 'SELECT * FROM alert_outbox WHERE tenant_id = $1 ORDER BY id',
  outboxPending: 'SELECT * FROM alert_outbox WHERE fanned_out_at IS NULL ORDER BY id LIMIT $1',
  outboxFannedOut: 'UPDATE alert_outbox SET fanned_out_at = $2 WHERE id = $1',
  deliveryAdd: `INSERT INTO alert_deliveries (outbox_id, tenant_id, recipient, conversation_id, state, next_attempt_at,
      last_error, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $6)
    ON CONFLICT (outbox_id, recipient) DO NOTHING`,
  // Lease expiry on the server's clock (now()): instances whose clocks differ still agree on it.
  // Due-ness (next_attempt_at) stays on the dispatcher's clock, which wrote it.
  deliveryDue: `SELECT * FROM alert_deliveries
    WHERE state = 'queued' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < now())
    ORDER BY next_attempt_at, id LIMIT $2`,
  // A batch in one statement; rows another transaction is claiming are skipped, not waited for.
  deliveryClaim: `UPDATE alert_deliveries d SET lease_owner = $2,
      lease_until = now() + make_interval(secs => $3::double precision / 1000), attempts = d.attempts + 1
    WHERE d.id IN (SELECT id FROM alert_deliveries
      WHERE id = ANY($1::bigint[]) AND state = 'queued' AND (lease_until IS NULL OR lease_until < now())
      ORDER BY id FOR UPDATE SKIP LOCKED)
    RETURNING d.id`,
  deliveryRecent: `SELECT tenant_id, coalesce(conversation_id, recipient) AS conversation_id,
      CASE WHEN state = 'sent' THEN sent_at END AS sent_at
    FROM alert_deliveries
    WHERE (state = 'sent' AND sent_at >= $1) OR (state = 'queued' AND lease_until >= now())`,
  deliverySent: `UPDATE alert_deliveries SET state = 'sent', sent_at = $2, lease_owner = NULL, lease_until = NULL,
      last_error = NULL
    WHERE id = $1`,
  deliveryRetry: `UPDATE alert_deliveries SET next_attempt_at = $2, last_error = $3, lease_owner = NULL, lease_until = NULL
    WHERE id = $1 AND state = 'queued'`,
  deliveryUnreachable: `UPDATE alert_deliveries SET state = 'unreachable', last_error = $2, next_attempt_at = $3,
      lease_owner = NULL, lease_until = NULL
    WHERE id = $1 AND state = 'queued'`,
  deliveryRequeue: `UPDATE alert_deliveries SET state = 'queued', conversation_id = $3, next_attempt_at = $4, last_error = NULL
    WHERE tenant_id = $1 AND recipient = $2 AND state = 'unreachable'`,
  deliveryList: 'SELECT * FROM alert_deliveries WHERE tenant_id = $1 ORDER BY id',
  deliveryGet: 'SELECT * FROM alert_deliveries WHERE id = $1',
  deliveryQueued: "SELECT count(*) AS n FROM alert_deliveries WHERE state = 'queued'",
  settingsGet: 'SELECT * FROM alert_settings WHERE tenant_id = $1',
  settingsSave: `INSERT INTO alert_settings (tenant_id, thresholds, pending_reminder_days, channel_conversation_id,
      updated_by, updated_at)
    VALUES ($1, $2::jsonb, $3, $4, $5, $6)
    ON CONFLICT (tenant_id) DO UPDATE SET thresholds = excluded.thresholds,
      pending_reminder_days = excluded.pending_reminder_days,
      channel_conversation_id = excluded.channel_conversation_id,
      updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  mute: 'INSERT INTO alert_mutes (tenant_id, aad_object_id, muted_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
  unmute: 'DELETE FROM alert_mutes WHERE tenant_id = $1 AND aad_object_id = $2',
  muted: 'SELECT aad_object_id FROM alert_mutes WHERE tenant_id = $1',
} as const;

export function postgresAlertRepositories(db: Statements): {
  outbox: OutboxRepository;
  deliveries: AlertDeliveryRepository;
  alertSettings: AlertSettingsRepository;
} {
  const rows = (name: keyof typeof SQL, values: unknown[]) => db.rows(name, SQL[name], values);
  const row = (name: keyof typeof SQL, values: unknown[]) => db.row(name, SQL[name], values);
  const count = (name: keyof typeof SQL, values: unknown[]) => db.count(name, SQL[name], values);
  return {
    outbox: {
      append: async (tenantId, payload, createdAt) => {
        await count('outboxAppend', [tenantId, jsonb(payload), createdAt, null]);
      },
      appendOnce: async (tenantId, dedupeKey, payload, createdAt) =>
        (await count('outboxAppend', [tenantId, jsonb(payload), createdAt, dedupeKey])) === 1,
      get: async (id) => {
        const r = await row('outboxGet', [id]);
        return r ? toOutbox(r) : null;
      },
      list: async (tenantId) => (await rows('outboxList', [tenantId])).map(toOutbox),
      listNotFannedOut: async (limit) => (await rows('outboxPending', [limit])).map(toOutbox),
      markFannedOut: async (id, at) => {
        await count('outboxFannedOut', [id, at]);
      },
    },
    deliveries: {
      add: async (d) => {
        await count('deliveryAdd', [
          d.outboxId,
          d.tenantId,
          d.recipient,
          d.conversationId,
          d.state,
          d.at,
          d.lastError,
        ]);
      },
      listDue: async (now, limit) => (await rows('deliveryDue', [now, limit])).map(toDelivery),
      claim: async (ids, owner, _now, leaseMs) =>
        ids.length === 0 ? [] : (await rows('deliveryClaim', [ids, owner, leaseMs])).map((r) => Number(r.id)),
      markSent: async (id, at) => {
        await count('deliverySent', [id, at]);
      },
      retryLater: async (id, nextAttemptAt, error) => {
        await count('deliveryRetry', [id, nextAttemptAt, error]);
      },
      markUnreachable: async (id, error, at) => {
        await count('deliveryUnreachable', [id, error, at]);
      },
      requeueUnreachable: (tenantId, recipient, conversationId, at) =>
        count('deliveryRequeue', [tenantId, recipient, conversationId, at]),
      list: async (tenantId) => (await rows('deliveryList', [tenantId])).map(toDelivery),
      get: async (id) => {
        const r = await row('deliveryGet', [id]);
        return r ? toDelivery(r) : null;
      },
      recentSends: async (since) =>
        (await rows('deliveryRecent', [since])).map((r) => ({
          tenantId: str(r.tenant_id),
          conversationId: str(r.conversation_id),
          sentAt: strOrNull(r.sent_at),
        })),
      countQueued: async () => Number((await row('deliveryQueued', []))?.n ?? 0),
    },
    alertSettings: {
      get: async (tenantId) => {
        const r = await row('settingsGet', [tenantId]);
        if (!r) return null;
        const settings: AlertSettings = {
          tenantId,
          thresholds: r.thresholds as QuotaThreshold[],
          pendingReminderDays: Number(r.pending_reminder_days),
          channelConversationId: strOrNull(r.channel_conversation_id),
        };
        return settings;
      },
      save: async (s, by, at) => {
        await count('settingsSave', [
          s.tenantId,
          jsonb(s.thresholds),
          s.pendingReminderDays,
          s.channelConversationId,
          by,
          at,
        ]);
      },
      setMuted: async (tenantId, aadObjectId, muted, at) => {
        if (muted) await count('mute', [tenantId, aadObjectId, at]);
        else await count('unmute', [tenantId, aadObjectId]);
      },
      mutedUsers: async (tenantId) =>
        new Set((await rows('muted', [tenantId])).map((r) => str(r.aad_object_id))),
    },
  };
}
