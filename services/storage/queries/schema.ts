/**
 * The tables as the repositories read and write them, for Kysely's typed builder (issue 11): one
 * description for SQLite (services/storage/sqlite/migrations.ts) and PostgreSQL
 * (services/storage/postgres/schema/). Dates and timestamps are ISO strings on both (PostgreSQL's
 * are parsed to strings by the store, postgresStore.ts); the columns whose stored form differs by
 * engine say so in their type and are read and written through the executor's codec (executor.ts).
 */
import type { Generated } from 'kysely';

/** A list of names: comma-separated text on SQLite, text[] on PostgreSQL. */
export type StoredList = string | readonly string[];
/** JSON: text on SQLite, jsonb on PostgreSQL (pg hands it back parsed). */
export type StoredJson = string | object;

export interface Database {
  organisations: { tenant_id: string; mpn_id: string; name: string; created_at: string };
  users: {
    tenant_id: string;
    aad_object_id: string;
    name: string;
    email: string;
    association: string;
    roles: StoredList;
    locale: string | null;
  };
  /** `seq` keeps insertion order (the import's order) on both engines; nothing orders by rowid. */
  membership_offers: {
    tenant_id: string;
    id: string;
    seq: Generated<number>;
    level: string;
    competency: string | null;
    competency_class: string | null;
    starts_on: string;
    expires_on: string;
  };
  benefits: {
    tenant_id: string;
    id: string;
    seq: Generated<number>;
    offer_id: string;
    type: string;
    total: number | null;
    used: number;
    activation_state: string;
    requested_by: string | null;
    requested_at: string | null;
    access_id: string | null;
    contract_id: string | null;
    activated_at: string | null;
    rejected_reason: string | null;
    decided_by: string | null;
  };
  incidents: {
    tenant_id: string;
    id: string;
    seq: Generated<number>;
    benefit_id: string | null;
    plan: string;
    kind: string;
    product: string;
    title: string;
    description: string;
    severity: string;
    contact_name: string;
    contact_email: string;
    contact_phone: string | null;
    state: string;
    opened_by: string;
    opened_at: string;
    closed_by: string | null;
    closed_at: string | null;
    idempotency_key: string;
  };
  audit_log: {
    id: Generated<number>;
    tenant_id: string;
    actor: string;
    action: string;
    subject: string;
    details: StoredJson;
    at: string;
  };
  alert_outbox: {
    id: Generated<number>;
    tenant_id: string;
    payload: StoredJson;
    created_at: string;
    fanned_out_at: string | null;
    dedupe_key: string | null;
  };
  alert_deliveries: {
    id: Generated<number>;
    outbox_id: number;
    tenant_id: string;
    recipient: string;
    conversation_id: string | null;
    state: string;
    attempts: Generated<number>;
    next_attempt_at: string;
    lease_owner: string | null;
    lease_until: string | null;
    last_error: string | null;
    sent_at: string | null;
    created_at: string;
  };
  alert_settings: {
    tenant_id: string;
    thresholds: StoredJson;
    pending_reminder_days: number;
    channel_conversation_id: string | null;
    updated_by: string;
    updated_at: string;
  };
  alert_mutes: { tenant_id: string; aad_object_id: string; muted_at: string };
  bot_state: { key: string; etag: string; data: StoredJson; updated_at: string };
  conversation_references: {
    tenant_id: string;
    conversation_id: string;
    aad_object_id: string | null;
    scope: string;
    reference: StoredJson;
    updated_at: string;
  };
}
