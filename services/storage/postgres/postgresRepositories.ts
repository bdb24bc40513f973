/**
 * The PostgreSQL repositories of one unit of work: parameterised SQL on its connection. The
 * same row work as the SQLite repositories (sqliteRepositories.ts), written for PostgreSQL's
 * types: roles as text[], JSON as jsonb, timestamps as timestamptz (read back as ISO strings by
 * the store's type parsers), insertion order by the `seq` identity instead of SQLite's rowid.
 */
import { randomUUID } from 'node:crypto';
import type { Activation, AuditEntry, Organisation, Role, User } from '../../domain/types';
import {
  DuplicateIdempotencyKeyError,
  StateConflictError,
  type IncidentFilter,
  type StateEntry,
  type StoredConversationReference,
  type StoreTx,
} from '../repositories';
import { toBenefit, toIncident, toOffer } from '../sqlite/sqliteRepositories';
import { str, strOrNull, type Row } from '../sqlite/rows';
import { postgresAlertRepositories } from './postgresAlerts';
import { jsonb, type Statements } from './statements';

const toOrganisation = (r: Row): Organisation => ({
  tenantId: str(r.tenant_id),
  mpnId: str(r.mpn_id),
  name: str(r.name),
});

const toUser = (r: Row): User => ({
  tenantId: str(r.tenant_id),
  aadObjectId: str(r.aad_object_id),
  name: str(r.name),
  email: str(r.email),
  association: str(r.association) as User['association'],
  roles: r.roles as Role[],
  locale: strOrNull(r.locale),
});

const toRef = (r: Row): StoredConversationReference => ({
  tenantId: str(r.tenant_id),
  conversationId: str(r.conversation_id),
  aadObjectId: strOrNull(r.aad_object_id),
  scope: str(r.scope) as StoredConversationReference['scope'],
  reference: r.reference as Record<string, unknown>,
  updatedAt: str(r.updated_at),
});

const activationValues = (a: Activation) => [
  a.state,
  a.requestedBy,
  a.requestedAt,
  a.accessId,
  a.contractId,
  a.activatedAt,
  a.rejectedReason,
  a.decidedBy,
];

// SQLite compares text byte by byte; "C" makes PostgreSQL list names in the same order.
const SQL = {
  orgGet: 'SELECT * FROM organisations WHERE tenant_id = $1',
  orgList: 'SELECT * FROM organisations ORDER BY name COLLATE "C"',
  orgInsert: 'INSERT INTO organisations (tenant_id, mpn_id, name, created_at) VALUES ($1, $2, $3, $4)',
  orgDelete: 'DELETE FROM organisations WHERE tenant_id = $1',
  userGet: 'SELECT * FROM users WHERE tenant_id = $1 AND aad_object_id = $2',
  userList: 'SELECT * FROM users WHERE tenant_id = $1 ORDER BY name COLLATE "C"',
  userWithRole: 'SELECT * FROM users WHERE tenant_id = $1 AND $2 = ANY (roles) ORDER BY name COLLATE "C"',
  userInsert: `INSERT INTO users (tenant_id, aad_object_id, name, email, association, roles, locale)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  userSave: `INSERT INTO users (tenant_id, aad_object_id, name, email, association, roles, locale)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (tenant_id, aad_object_id) DO UPDATE SET name = excluded.name, email = excluded.email,
      association = excluded.association, roles = excluded.roles`,
  offerList: 'SELECT * FROM membership_offers WHERE tenant_id = $1 ORDER BY seq',
  offerInsert: `INSERT INTO membership_offers (tenant_id, id, level, competency, competency_class, starts_on, expires_on)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  benefitGet: 'SELECT * FROM benefits WHERE tenant_id = $1 AND id = $2',
  benefitList: 'SELECT * FROM benefits WHERE tenant_id = $1 ORDER BY seq',
  benefitInsert: `INSERT INTO benefits (tenant_id, id, offer_id, type, total, used, activation_state, requested_by,
      requested_at, access_id, contract_id, activated_at, rejected_reason, decided_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
  benefitActivation: `UPDATE benefits SET activation_state = $4, requested_by = $5, requested_at = $6,
      access_id = $7, contract_id = $8, activated_at = $9, rejected_reason = $10, decided_by = $11
    WHERE tenant_id = $1 AND id = $2 AND activation_state = $3`,
  // R11, R14: the quota is taken here or not at all. Under SERIALIZABLE, a benefit another
  // instance changed since this unit's snapshot fails with 40001: the unit runs again and
  // chooses again (the next eligible benefit), rather than refusing.
  benefitConsume: `UPDATE benefits SET used = used + 1
    WHERE tenant_id = $1 AND id = $2 AND (total IS NULL OR used < total)
    RETURNING used, total`,
  incidentGet: 'SELECT * FROM incidents WHERE tenant_id = $1 AND id = $2',
  incidentByKey: 'SELECT * FROM incidents WHERE tenant_id = $1 AND idempotency_key = $2',
  incidentList: `SELECT * FROM incidents WHERE tenant_id = $1
      AND ($2::text IS NULL OR opened_by = $2) AND ($3::text IS NULL OR state = $3)
    ORDER BY opened_at DESC, seq DESC`,
  // DO NOTHING rather than a unique violation: a failed statement would abort the whole unit.
  incidentInsert: `INSERT INTO incidents (tenant_id, id, benefit_id, plan, kind, product, title, description,
      severity, contact_name, contact_email, contact_phone, state, opened_by, opened_at, closed_by, closed_at,
      idempotency_key)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING`,
  incidentClose: `UPDATE incidents SET state = 'closed', closed_by = $3, closed_at = $4
    WHERE tenant_id = $1 AND id = $2 AND state = 'open'`,
  auditAppend: `INSERT INTO audit_log (tenant_id, actor, action, subject, details, at)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
  auditList: 'SELECT * FROM audit_log WHERE tenant_id = $1 ORDER BY id',
  stateRead: 'SELECT key, etag, data FROM bot_state WHERE key = ANY ($1::text[])',
  stateUpsert: `INSERT INTO bot_state (key, etag, data, updated_at) VALUES ($1, $2, $3::jsonb, $4)
    ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at`,
  // The conditional update: only over the etag the writer read (no lost update).
  stateUpdateIf:
    'UPDATE bot_state SET etag = $2, data = $3::jsonb, updated_at = $4 WHERE key = $1 AND etag = $5',
  stateInsertNew: `INSERT INTO bot_state (key, etag, data, updated_at) VALUES ($1, $2, $3::jsonb, $4)
    ON CONFLICT (key) DO NOTHING`,
  stateDelete: 'DELETE FROM bot_state WHERE key = ANY ($1::text[])',
  stateDeleteIdle:
    'DELETE FROM bot_state WHERE key IN (SELECT key FROM bot_state WHERE updated_at < $1 LIMIT $2)',
  refUpsert: `INSERT INTO conversation_references (tenant_id, conversation_id, aad_object_id, scope, reference, updated_at)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6)
    ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET aad_object_id = excluded.aad_object_id,
      scope = excluded.scope, reference = excluded.reference, updated_at = excluded.updated_at`,
  refUsers: `SELECT DISTINCT aad_object_id FROM conversation_references
    WHERE tenant_id = $1 AND scope = 'personal' AND aad_object_id IS NOT NULL`,
  refGet: 'SELECT * FROM conversation_references WHERE tenant_id = $1 AND conversation_id = $2',
  refPersonal: `SELECT * FROM conversation_references WHERE tenant_id = $1 AND aad_object_id = $2 AND scope = 'personal'
    ORDER BY updated_at DESC LIMIT 1`,
  refDeleteIdle: `DELETE FROM conversation_references WHERE (tenant_id, conversation_id) IN (
      SELECT r.tenant_id, r.conversation_id FROM conversation_references r
      WHERE r.updated_at < $1
        AND NOT EXISTS (SELECT 1 FROM alert_settings s
                        WHERE s.tenant_id = r.tenant_id AND s.channel_conversation_id = r.conversation_id)
        AND NOT (r.scope = 'personal' AND EXISTS (SELECT 1 FROM users u
                        WHERE u.tenant_id = r.tenant_id AND u.aad_object_id = r.aad_object_id))
        AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.state = 'queued'
                        AND d.tenant_id = r.tenant_id AND d.conversation_id = r.conversation_id)
      LIMIT $2)`,
  refDelete: 'DELETE FROM conversation_references WHERE tenant_id = $1 AND conversation_id = $2',
} as const;

export function postgresRepositories(db: Statements): StoreTx {
  const rows = (name: keyof typeof SQL, values: unknown[]) => db.rows(name, SQL[name], values);
  const row = (name: keyof typeof SQL, values: unknown[]) => db.row(name, SQL[name], values);
  const count = (name: keyof typeof SQL, values: unknown[]) => db.count(name, SQL[name], values);
  const userValues = (u: User) => [
    u.tenantId,
    u.aadObjectId,
    u.name,
    u.email,
    u.association,
    u.roles,
    u.locale,
  ];

  return {
    organisations: {
      get: async (tenantId) => {
        const r = await row('orgGet', [tenantId]);
        return r ? toOrganisation(r) : null;
      },
      list: async () => (await rows('orgList', [])).map(toOrganisation),
      insert: async (org, createdAt) => {
        await count('orgInsert', [org.tenantId, org.mpnId, org.name, createdAt]);
      },
      delete: async (tenantId) => {
        await count('orgDelete', [tenantId]);
      },
    },
    users: {
      get: async (tenantId, aadObjectId) => {
        const r = await row('userGet', [tenantId, aadObjectId]);
        return r ? toUser(r) : null;
      },
      list: async (tenantId) => (await rows('userList', [tenantId])).map(toUser),
      listWithRole: async (tenantId, role) => (await rows('userWithRole', [tenantId, role])).map(toUser),
      insert: async (user) => {
        await count('userInsert', userValues(user));
      },
      save: async (user) => {
        await count('userSave', userValues(user));
      },
    },
    offers: {
      list: async (tenantId) => (await rows('offerList', [tenantId])).map(toOffer),
      insert: async (o) => {
        await count('offerInsert', [
          o.tenantId,
          o.id,
          o.level,
          o.competency,
          o.competencyClass,
          o.startsOn,
          o.expiresOn,
        ]);
      },
    },
    benefits: {
      get: async (tenantId, id) => {
        const r = await row('benefitGet', [tenantId, id]);
        return r ? toBenefit(r) : null;
      },
      list: async (tenantId) => (await rows('benefitList', [tenantId])).map(toBenefit),
      insert: async (b) => {
        await count('benefitInsert', [
          b.tenantId,
          b.id,
          b.offerId,
          b.type,
          b.total,
          b.used,
          ...activationValues(b.activation),
        ]);
      },
      updateActivation: async (tenantId, id, expected, next) =>
        (await count('benefitActivation', [tenantId, id, expected, ...activationValues(next)])) === 1,
      consumeIncident: async (tenantId, id) => {
        const r = await row('benefitConsume', [tenantId, id]);
        return r ? { used: Number(r.used), total: r.total === null ? null : Number(r.total) } : null;
      },
    },
    incidents: {
      get: async (tenantId, id) => {
        const r = await row('incidentGet', [tenantId, id]);
        return r ? toIncident(r) : null;
      },
      getByIdempotencyKey: async (tenantId, key) => {
        const r = await row('incidentByKey', [tenantId, key]);
        return r ? toIncident(r) : null;
      },
      list: async (tenantId, filter: IncidentFilter = {}) =>
        (await rows('incidentList', [tenantId, filter.openedBy ?? null, filter.state ?? null])).map(
          toIncident,
        ),
      insert: async (i) => {
        const inserted = await count('incidentInsert', [
          i.tenantId,
          i.id,
          i.benefitId,
          i.plan,
          i.kind,
          i.product,
          i.title,
          i.description,
          i.severity,
          i.contact.name,
          i.contact.email,
          i.contact.phone,
          i.state,
          i.openedBy,
          i.openedAt,
          i.closedBy,
          i.closedAt,
          i.idempotencyKey,
        ]);
        if (inserted === 0) throw new DuplicateIdempotencyKeyError(i.idempotencyKey);
      },
      close: async (tenantId, id, by, at) => (await count('incidentClose', [tenantId, id, by, at])) === 1,
    },
    audit: {
      append: async (e) => {
        await count('auditAppend', [e.tenantId, e.actor, e.action, e.subject, jsonb(e.details), e.at]);
      },
      list: async (tenantId) =>
        (await rows('auditList', [tenantId])).map(
          (r): AuditEntry => ({
            id: Number(r.id),
            tenantId: str(r.tenant_id),
            actor: str(r.actor),
            action: str(r.action),
            subject: str(r.subject),
            details: r.details as Record<string, unknown>,
            at: str(r.at),
          }),
        ),
    },
    ...postgresAlertRepositories(db),
    state: {
      read: async (keys) => {
        const found = new Map<string, StateEntry>();
        for (const r of await rows('stateRead', [keys]))
          found.set(str(r.key), { etag: str(r.etag), data: r.data as Record<string, unknown> });
        return found;
      },
      write: async (key, data, expectedEtag, at) => {
        const etag = randomUUID();
        const json = jsonb(data);
        if (expectedEtag === null || expectedEtag === '*') {
          await count('stateUpsert', [key, etag, json, at]);
          return etag;
        }
        if ((await count('stateUpdateIf', [key, etag, json, at, expectedEtag])) === 1) return etag;
        // No row with that etag: a new entry is written (as on SQLite), a changed one is a conflict.
        if ((await count('stateInsertNew', [key, etag, json, at])) === 1) return etag;
        throw new StateConflictError(key);
      },
      delete: async (keys) => {
        await count('stateDelete', [keys]);
      },
      deleteIdle: (before, limit) => count('stateDeleteIdle', [before, limit]),
    },
    conversations: {
      upsert: async (ref) => {
        await count('refUpsert', [
          ref.tenantId,
          ref.conversationId,
          ref.aadObjectId,
          ref.scope,
          jsonb(ref.reference),
          ref.updatedAt,
        ]);
      },
      get: async (tenantId, conversationId) => {
        const r = await row('refGet', [tenantId, conversationId]);
        return r ? toRef(r) : null;
      },
      usersWithPersonal: async (tenantId) =>
        new Set((await rows('refUsers', [tenantId])).map((r) => str(r.aad_object_id))),
      personalFor: async (tenantId, aadObjectId) => {
        const r = await row('refPersonal', [tenantId, aadObjectId]);
        return r ? toRef(r) : null;
      },
      remove: async (tenantId, conversationId) => {
        await count('refDelete', [tenantId, conversationId]);
      },
      deleteIdle: (before, limit) => count('refDeleteIdle', [before, limit]),
    },
  };
}
