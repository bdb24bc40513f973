/**
 * The PostgreSQL schema: the state SQLite reaches after its migrations 1–4
 * (services/storage/sqlite/migrations.ts), in PostgreSQL's own types: identity columns, jsonb,
 * timestamptz, date, and text[] for roles. Checks and keys are the same, so the database
 * refuses what SQLite refuses (a quota past its total, a repeated idempotency key).
 *
 * A `seq` identity column keeps insertion order explicitly, as SQLite's `seq` (migration 6) does
 * (offers and benefits in the order imported; incidents opened in the same millisecond).
 */
import { sql, type Kysely } from 'kysely';

const STATEMENTS = [
  sql`CREATE TABLE organisations (
    tenant_id  text PRIMARY KEY,
    mpn_id     text NOT NULL,
    name       text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  sql`CREATE TABLE users (
    tenant_id     text NOT NULL REFERENCES organisations (tenant_id) ON DELETE CASCADE,
    aad_object_id text NOT NULL,
    name          text NOT NULL,
    email         text NOT NULL,
    association   text NOT NULL CHECK (association IN ('mpn', 'cspOnly', 'none')),
    roles         text[] NOT NULL DEFAULT '{}',
    locale        text,
    PRIMARY KEY (tenant_id, aad_object_id)
  )`,
  sql`CREATE TABLE membership_offers (
    tenant_id        text NOT NULL REFERENCES organisations (tenant_id) ON DELETE CASCADE,
    id               text NOT NULL,
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    level            text NOT NULL CHECK (level IN ('actionPack', 'silver', 'gold')),
    competency       text,
    competency_class text CHECK (competency_class IN ('cloud', 'other')),
    starts_on        date NOT NULL,
    expires_on       date NOT NULL,
    PRIMARY KEY (tenant_id, id)
  )`,
  sql`CREATE TABLE benefits (
    tenant_id        text NOT NULL,
    id               text NOT NULL,
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    offer_id         text NOT NULL,
    type             text NOT NULL CHECK (type IN ('productSupport', 'signatureCloudSupport')),
    total            integer CHECK (total IS NULL OR total >= 0),
    -- The quota is never exceeded (R11, R14): the database refuses it too.
    used             integer NOT NULL DEFAULT 0 CHECK (used >= 0 AND (total IS NULL OR used <= total)),
    activation_state text NOT NULL CHECK (activation_state IN ('notActivated', 'pending', 'active', 'rejected')),
    requested_by     text,
    requested_at     timestamptz,
    access_id        text,
    contract_id      text,
    activated_at     timestamptz,
    rejected_reason  text,
    decided_by       text,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, offer_id, type),
    FOREIGN KEY (tenant_id, offer_id) REFERENCES membership_offers (tenant_id, id) ON DELETE CASCADE
  )`,
  sql`CREATE TABLE incidents (
    tenant_id       text NOT NULL REFERENCES organisations (tenant_id) ON DELETE CASCADE,
    id              text NOT NULL,
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    benefit_id      text,
    plan            text NOT NULL CHECK (plan IN ('productSupport', 'signatureCloudSupport', 'cloudSolutionProvider')),
    kind            text NOT NULL CHECK (kind IN ('onPremises', 'cloud', 'cspAzure')),
    product         text NOT NULL,
    title           text NOT NULL,
    description     text NOT NULL,
    severity        text NOT NULL CHECK (severity IN ('A', 'B', 'C')),
    contact_name    text NOT NULL,
    contact_email   text NOT NULL,
    contact_phone   text,
    state           text NOT NULL CHECK (state IN ('open', 'closed')),
    opened_by       text NOT NULL,
    opened_at       timestamptz NOT NULL,
    closed_by       text,
    closed_at       timestamptz,
    idempotency_key text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, benefit_id) REFERENCES benefits (tenant_id, id) ON DELETE CASCADE
  )`,
  sql`CREATE INDEX incidents_by_opener ON incidents (tenant_id, opened_by)`,
  sql`CREATE INDEX incidents_by_time ON incidents (tenant_id, opened_at DESC, seq DESC)`,
  sql`CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id text NOT NULL,
    actor     text NOT NULL,
    action    text NOT NULL,
    subject   text NOT NULL,
    details   jsonb NOT NULL,
    at        timestamptz NOT NULL
  )`,
  sql`CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id)`,
  sql`CREATE TABLE alert_outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    fanned_out_at timestamptz,
    -- Scheduled alerts (expiry windows, pending reminders) are written once per key.
    dedupe_key    text,
    UNIQUE (tenant_id, dedupe_key)
  )`,
  sql`CREATE INDEX alert_outbox_unsent ON alert_outbox (id) WHERE fanned_out_at IS NULL`,
  sql`CREATE TABLE alert_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id       bigint NOT NULL REFERENCES alert_outbox (id) ON DELETE CASCADE,
    tenant_id       text NOT NULL,
    recipient       text NOT NULL,
    conversation_id text,
    state           text NOT NULL CHECK (state IN ('queued', 'sent', 'unreachable')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_owner     text,
    lease_until     timestamptz,
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL,
    UNIQUE (outbox_id, recipient)
  )`,
  sql`CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at, id) WHERE state = 'queued'`,
  sql`CREATE INDEX alert_deliveries_by_recipient ON alert_deliveries (tenant_id, recipient, state)`,
  sql`CREATE TABLE alert_settings (
    tenant_id               text PRIMARY KEY REFERENCES organisations (tenant_id) ON DELETE CASCADE,
    thresholds              jsonb NOT NULL,
    pending_reminder_days   integer NOT NULL,
    channel_conversation_id text,
    updated_by              text NOT NULL,
    updated_at              timestamptz NOT NULL
  )`,
  sql`CREATE TABLE alert_mutes (
    tenant_id     text NOT NULL,
    aad_object_id text NOT NULL,
    muted_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, aad_object_id)
  )`,
  sql`CREATE TABLE bot_state (
    key        text PRIMARY KEY,
    etag       text NOT NULL,
    data       jsonb NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  sql`CREATE INDEX bot_state_by_updated ON bot_state (updated_at)`,
  sql`CREATE TABLE conversation_references (
    tenant_id       text NOT NULL,
    conversation_id text NOT NULL,
    -- The user of a personal (1:1) conversation; null for channels and group chats.
    aad_object_id   text,
    scope           text NOT NULL CHECK (scope IN ('personal', 'channel', 'groupChat')),
    reference       jsonb NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id)
  )`,
  sql`CREATE INDEX conversation_references_by_user ON conversation_references (tenant_id, aad_object_id)`,
  sql`CREATE INDEX conversation_references_by_updated ON conversation_references (updated_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await statement.execute(db);
}
