/** The alert queries (outbox, deliveries, settings, mutes), part of the store's (storeQueries.ts). */
import { sql, type ExpressionBuilder, type SqlBool } from 'kysely';
import { inList, leaseClock, leaseEnd } from './engineSql';
import type { ListParameter } from './executor';
import { query, type Slots } from './prepared';
import type { Database, StoredJson } from './schema';

export const alertQueries = {
  outboxAppend: query(
    (k, p: Slots<{ tenantId: string; payload: StoredJson; createdAt: string; dedupeKey: string | null }>) =>
      k
        .insertInto('alert_outbox')
        .values({
          tenant_id: p.tenantId,
          payload: p.payload,
          created_at: p.createdAt,
          dedupe_key: p.dedupeKey,
        })
        .onConflict((oc) => oc.doNothing()),
  ),
  outboxGet: query((k, p: Slots<{ id: number }>) =>
    k.selectFrom('alert_outbox').selectAll().where('id', '=', p.id),
  ),
  outboxList: query((k, p: Slots<{ tenantId: string }>) =>
    k.selectFrom('alert_outbox').selectAll().where('tenant_id', '=', p.tenantId).orderBy('id'),
  ),
  outboxPending: query((k, p: Slots<{ limit: number }>) =>
    k.selectFrom('alert_outbox').selectAll().where('fanned_out_at', 'is', null).orderBy('id').limit(p.limit),
  ),
  outboxFannedOut: query((k, p: Slots<{ id: number; at: string }>) =>
    k.updateTable('alert_outbox').set({ fanned_out_at: p.at }).where('id', '=', p.id),
  ),

  deliveryAdd: query(
    (
      k,
      p: Slots<{
        outboxId: number;
        tenantId: string;
        recipient: string;
        conversationId: string | null;
        state: string;
        lastError: string | null;
        at: string;
      }>,
    ) =>
      k
        .insertInto('alert_deliveries')
        .values({
          outbox_id: p.outboxId,
          tenant_id: p.tenantId,
          recipient: p.recipient,
          conversation_id: p.conversationId,
          state: p.state,
          next_attempt_at: p.at,
          last_error: p.lastError,
          created_at: p.at,
        })
        .onConflict((oc) => oc.columns(['outbox_id', 'recipient']).doNothing()),
  ),
  deliveryDue: query((k, p: Slots<{ now: string; limit: number }>, engine) =>
    k
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('state', '=', 'queued')
      .where('next_attempt_at', '<=', p.now)
      .where((eb) =>
        eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', leaseClock(engine, p.now))]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(p.limit),
  ),
  /**
   * A batch in one statement. PostgreSQL skips rows another transaction is claiming (FOR UPDATE
   * SKIP LOCKED, in a subquery) rather than waiting, and sets the lease on its own clock. SQLite's
   * writer holds the file's lock, so there is nothing to skip: the ids are looked up directly,
   * and the lease ends at `until`.
   */
  deliveryClaim: query(
    (
      k,
      p: Slots<{ ids: ListParameter; owner: string; now: string; until: string; leaseMs: number }>,
      engine,
    ) => {
      const claimable = (eb: ExpressionBuilder<Database, 'alert_deliveries'>) =>
        eb.and([
          inList(engine, 'id', p.ids),
          // SQLite: unary + keeps its planner off the state index (it would walk every queued
          // delivery), so the ids lead, by primary key.
          engine === 'postgres' ? eb('state', '=', 'queued') : sql<SqlBool>`+state = 'queued'`,
          eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', leaseClock(engine, p.now))]),
        ]);
      const update = k.updateTable('alert_deliveries').set((eb) => ({
        lease_owner: p.owner,
        lease_until: leaseEnd(engine, p.leaseMs, p.until),
        attempts: eb('attempts', '+', 1),
      }));
      return (
        engine === 'postgres'
          ? update.where(
              'id',
              'in',
              k
                .selectFrom('alert_deliveries')
                .select('id')
                .where(claimable)
                .orderBy('id')
                .forUpdate()
                .skipLocked(),
            )
          : update.where(claimable)
      ).returning('id');
    },
  ),
  /** Sent since `since`, and leased now (in flight: no sentAt yet). */
  deliveryRecent: query((k, p: Slots<{ since: string; now: string }>, engine) =>
    k
      .selectFrom('alert_deliveries')
      .select((eb) => [
        'tenant_id',
        eb.fn.coalesce('conversation_id', 'recipient').as('conversation_id'),
        eb.case().when('state', '=', 'sent').then(eb.ref('sent_at')).end().as('sent_at'),
      ])
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'sent'), eb('sent_at', '>=', p.since)]),
          eb.and([eb('state', '=', 'queued'), eb('lease_until', '>=', leaseClock(engine, p.now))]),
        ]),
      ),
  ),
  deliverySent: query((k, p: Slots<{ id: number; at: string }>) =>
    k
      .updateTable('alert_deliveries')
      .set({ state: 'sent', sent_at: p.at, lease_owner: null, lease_until: null, last_error: null })
      .where('id', '=', p.id),
  ),
  deliveryRetry: query((k, p: Slots<{ id: number; nextAttemptAt: string; error: string }>) =>
    k
      .updateTable('alert_deliveries')
      .set({ next_attempt_at: p.nextAttemptAt, last_error: p.error, lease_owner: null, lease_until: null })
      .where('id', '=', p.id)
      .where('state', '=', 'queued'),
  ),
  deliveryUnreachable: query((k, p: Slots<{ id: number; error: string; at: string }>) =>
    k
      .updateTable('alert_deliveries')
      .set({
        state: 'unreachable',
        last_error: p.error,
        next_attempt_at: p.at,
        lease_owner: null,
        lease_until: null,
      })
      .where('id', '=', p.id)
      .where('state', '=', 'queued'),
  ),
  deliveryRequeue: query(
    (k, p: Slots<{ tenantId: string; recipient: string; conversationId: string; at: string }>) =>
      k
        .updateTable('alert_deliveries')
        .set({ state: 'queued', conversation_id: p.conversationId, next_attempt_at: p.at, last_error: null })
        .where('tenant_id', '=', p.tenantId)
        .where('recipient', '=', p.recipient)
        .where('state', '=', 'unreachable'),
  ),
  deliveryList: query((k, p: Slots<{ tenantId: string }>) =>
    k.selectFrom('alert_deliveries').selectAll().where('tenant_id', '=', p.tenantId).orderBy('id'),
  ),
  deliveryGet: query((k, p: Slots<{ id: number }>) =>
    k.selectFrom('alert_deliveries').selectAll().where('id', '=', p.id),
  ),
  deliveryQueued: query((k, _p: Slots<Record<never, never>>) =>
    k
      .selectFrom('alert_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'queued'),
  ),

  settingsGet: query((k, p: Slots<{ tenantId: string }>) =>
    k.selectFrom('alert_settings').selectAll().where('tenant_id', '=', p.tenantId),
  ),
  settingsSave: query(
    (
      k,
      p: Slots<{
        tenantId: string;
        thresholds: StoredJson;
        pendingReminderDays: number;
        channelConversationId: string | null;
        by: string;
        at: string;
      }>,
    ) =>
      k
        .insertInto('alert_settings')
        .values({
          tenant_id: p.tenantId,
          thresholds: p.thresholds,
          pending_reminder_days: p.pendingReminderDays,
          channel_conversation_id: p.channelConversationId,
          updated_by: p.by,
          updated_at: p.at,
        })
        .onConflict((oc) =>
          oc.column('tenant_id').doUpdateSet((eb) => ({
            thresholds: eb.ref('excluded.thresholds'),
            pending_reminder_days: eb.ref('excluded.pending_reminder_days'),
            channel_conversation_id: eb.ref('excluded.channel_conversation_id'),
            updated_by: eb.ref('excluded.updated_by'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
  ),
  mute: query((k, p: Slots<{ tenantId: string; aadObjectId: string; at: string }>) =>
    k
      .insertInto('alert_mutes')
      .values({ tenant_id: p.tenantId, aad_object_id: p.aadObjectId, muted_at: p.at })
      .onConflict((oc) => oc.doNothing()),
  ),
  unmute: query((k, p: Slots<{ tenantId: string; aadObjectId: string }>) =>
    k
      .deleteFrom('alert_mutes')
      .where('tenant_id', '=', p.tenantId)
      .where('aad_object_id', '=', p.aadObjectId),
  ),
  muted: query((k, p: Slots<{ tenantId: string }>) =>
    k.selectFrom('alert_mutes').select('aad_object_id').where('tenant_id', '=', p.tenantId),
  ),
};
