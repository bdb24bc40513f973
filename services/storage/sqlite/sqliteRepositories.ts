/** The SQLite repositories of one connection: the statements and the rows they map to. */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type {
  Activation,
  ActivationState,
  AuditEntry,
  Benefit,
  Incident,
  MembershipOffer,
  Organisation,
  Role,
  User,
} from '../../domain/types';
import {
  DuplicateIdempotencyKeyError,
  StateConflictError,
  type IncidentFilter,
  type StateEntry,
  type StoredConversationReference,
  type StoreTx,
} from '../repositories';
import { numOrNull, str, strOrNull, type Row } from './rows';
import { sqliteAlertRepositories } from './sqliteAlerts';

function toUser(r: Row): User {
  const roles = str(r.roles);
  return {
    tenantId: str(r.tenant_id),
    aadObjectId: str(r.aad_object_id),
    name: str(r.name),
    email: str(r.email),
    association: str(r.association) as User['association'],
    roles: roles ? (roles.split(',') as Role[]) : [],
    locale: strOrNull(r.locale),
  };
}

export function toOffer(r: Row): MembershipOffer {
  return {
    tenantId: str(r.tenant_id),
    id: str(r.id),
    level: str(r.level) as MembershipOffer['level'],
    competency: strOrNull(r.competency),
    competencyClass: strOrNull(r.competency_class) as MembershipOffer['competencyClass'],
    startsOn: str(r.starts_on),
    expiresOn: str(r.expires_on),
  };
}

export function toBenefit(r: Row): Benefit {
  return {
    tenantId: str(r.tenant_id),
    id: str(r.id),
    offerId: str(r.offer_id),
    type: str(r.type) as Benefit['type'],
    total: numOrNull(r.total),
    used: Number(r.used),
    activation: {
      state: str(r.activation_state) as ActivationState,
      requestedBy: strOrNull(r.requested_by),
      requestedAt: strOrNull(r.requested_at),
      accessId: strOrNull(r.access_id),
      contractId: strOrNull(r.contract_id),
      activatedAt: strOrNull(r.activated_at),
      rejectedReason: strOrNull(r.rejected_reason),
      decidedBy: strOrNull(r.decided_by),
    },
  };
}

export function toIncident(r: Row): Incident {
  return {
    tenantId: str(r.tenant_id),
    id: str(r.id),
    benefitId: strOrNull(r.benefit_id),
    plan: str(r.plan) as Incident['plan'],
    kind: str(r.kind) as Incident['kind'],
    product: str(r.product),
    title: str(r.title),
    description: str(r.description),
    severity: str(r.severity) as Incident['severity'],
    contact: { name: str(r.contact_name), email: str(r.contact_email), phone: strOrNull(r.contact_phone) },
    state: str(r.state) as Incident['state'],
    openedBy: str(r.opened_by),
    openedAt: str(r.opened_at),
    closedBy: strOrNull(r.closed_by),
    closedAt: strOrNull(r.closed_at),
    idempotencyKey: str(r.idempotency_key),
  };
}

const activationParams = (a: Activation) => ({
  activation_state: a.state,
  requested_by: a.requestedBy,
  requested_at: a.requestedAt,
  access_id: a.accessId,
  contract_id: a.contractId,
  activated_at: a.activatedAt,
  rejected_reason: a.rejectedReason,
  decided_by: a.decidedBy,
});

export function sqliteRepositories(db: Database.Database): StoreTx {
  const alerts = sqliteAlertRepositories(db);
  const q = {
    orgGet: db.prepare('SELECT * FROM organisations WHERE tenant_id = ?'),
    orgList: db.prepare('SELECT * FROM organisations ORDER BY name'),
    orgInsert: db.prepare(
      'INSERT INTO organisations (tenant_id, mpn_id, name, created_at) VALUES (@tenantId, @mpnId, @name, @createdAt)',
    ),
    orgDelete: db.prepare('DELETE FROM organisations WHERE tenant_id = ?'),
    userGet: db.prepare('SELECT * FROM users WHERE tenant_id = ? AND aad_object_id = ?'),
    userList: db.prepare('SELECT * FROM users WHERE tenant_id = ? ORDER BY name'),
    userInsert: db.prepare(
      `INSERT INTO users (tenant_id, aad_object_id, name, email, association, roles, locale)
       VALUES (@tenantId, @aadObjectId, @name, @email, @association, @roles, @locale)`,
    ),
    userSave: db.prepare(
      `INSERT INTO users (tenant_id, aad_object_id, name, email, association, roles, locale)
       VALUES (@tenantId, @aadObjectId, @name, @email, @association, @roles, @locale)
       ON CONFLICT (tenant_id, aad_object_id) DO UPDATE SET name = excluded.name, email = excluded.email,
         association = excluded.association, roles = excluded.roles`,
    ),
    offerList: db.prepare('SELECT * FROM membership_offers WHERE tenant_id = ? ORDER BY rowid'),
    offerInsert: db.prepare(
      `INSERT INTO membership_offers (tenant_id, id, level, competency, competency_class, starts_on, expires_on)
       VALUES (@tenantId, @id, @level, @competency, @competencyClass, @startsOn, @expiresOn)`,
    ),
    benefitGet: db.prepare('SELECT * FROM benefits WHERE tenant_id = ? AND id = ?'),
    benefitList: db.prepare('SELECT * FROM benefits WHERE tenant_id = ? ORDER BY rowid'),
    benefitInsert: db.prepare(
      `INSERT INTO benefits (tenant_id, id, offer_id, type, total, used, activation_state, requested_by, requested_at,
         access_id, contract_id, activated_at, rejected_reason, decided_by)
       VALUES (@tenant_id, @id, @offer_id, @type, @total, @used, @activation_state, @requested_by, @requested_at,
         @access_id, @contract_id, @activated_at, @rejected_reason, @decided_by)`,
    ),
    benefitActivation: db.prepare(
      `UPDATE benefits SET activation_state = @activation_state, requested_by = @requested_by,
         requested_at = @requested_at, access_id = @access_id, contract_id = @contract_id,
         activated_at = @activated_at, rejected_reason = @rejected_reason, decided_by = @decided_by
       WHERE tenant_id = @tenant_id AND id = @id AND activation_state = @expected`,
    ),
    benefitConsume: db.prepare(
      `UPDATE benefits SET used = used + 1
       WHERE tenant_id = ? AND id = ? AND (total IS NULL OR used < total)
       RETURNING used, total`,
    ),
    incidentGet: db.prepare('SELECT * FROM incidents WHERE tenant_id = ? AND id = ?'),
    incidentByKey: db.prepare('SELECT * FROM incidents WHERE tenant_id = ? AND idempotency_key = ?'),
    incidentList: db.prepare(
      `SELECT * FROM incidents WHERE tenant_id = @tenantId
         AND (@openedBy IS NULL OR opened_by = @openedBy) AND (@state IS NULL OR state = @state)
       ORDER BY opened_at DESC, rowid DESC`,
    ),
    incidentInsert: db.prepare(
      `INSERT INTO incidents (tenant_id, id, benefit_id, plan, kind, product, title, description, severity,
         contact_name, contact_email, contact_phone, state, opened_by, opened_at, closed_by, closed_at, idempotency_key)
       VALUES (@tenantId, @id, @benefitId, @plan, @kind, @product, @title, @description, @severity,
         @contactName, @contactEmail, @contactPhone, @state, @openedBy, @openedAt, @closedBy, @closedAt, @idempotencyKey)`,
    ),
    incidentClose: db.prepare(
      `UPDATE incidents SET state = 'closed', closed_by = ?, closed_at = ?
       WHERE tenant_id = ? AND id = ? AND state = 'open'`,
    ),
    auditAppend: db.prepare(
      `INSERT INTO audit_log (tenant_id, actor, action, subject, details, at)
       VALUES (@tenantId, @actor, @action, @subject, @details, @at)`,
    ),
    auditList: db.prepare('SELECT * FROM audit_log WHERE tenant_id = ? ORDER BY id'),
    stateGet: db.prepare('SELECT key, etag, data FROM bot_state WHERE key = ?'),
    stateInsert: db.prepare('INSERT INTO bot_state (key, etag, data, updated_at) VALUES (?, ?, ?, ?)'),
    stateUpdate: db.prepare('UPDATE bot_state SET etag = ?, data = ?, updated_at = ? WHERE key = ?'),
    stateDelete: db.prepare('DELETE FROM bot_state WHERE key = ?'),
    stateDeleteIdle: db.prepare(
      'DELETE FROM bot_state WHERE key IN (SELECT key FROM bot_state WHERE updated_at < ? LIMIT ?)',
    ),
    refUpsert: db.prepare(
      `INSERT INTO conversation_references (tenant_id, conversation_id, aad_object_id, scope, reference, updated_at)
       VALUES (@tenantId, @conversationId, @aadObjectId, @scope, @reference, @updatedAt)
       ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET aad_object_id = excluded.aad_object_id,
         scope = excluded.scope, reference = excluded.reference, updated_at = excluded.updated_at`,
    ),
    refUsers: db.prepare(
      "SELECT DISTINCT aad_object_id FROM conversation_references WHERE tenant_id = ? AND scope = 'personal' AND aad_object_id IS NOT NULL",
    ),
    refGet: db.prepare('SELECT * FROM conversation_references WHERE tenant_id = ? AND conversation_id = ?'),
    refPersonal: db.prepare(
      `SELECT * FROM conversation_references WHERE tenant_id = ? AND aad_object_id = ? AND scope = 'personal'
       ORDER BY updated_at DESC LIMIT 1`,
    ),
    refDeleteIdle: db.prepare(
      `DELETE FROM conversation_references WHERE rowid IN (
         SELECT r.rowid FROM conversation_references r
         WHERE r.updated_at < @before
           AND NOT EXISTS (SELECT 1 FROM alert_settings s
                           WHERE s.tenant_id = r.tenant_id AND s.channel_conversation_id = r.conversation_id)
           AND NOT (r.scope = 'personal' AND EXISTS (SELECT 1 FROM users u
                           WHERE u.tenant_id = r.tenant_id AND u.aad_object_id = r.aad_object_id))
           AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.state = 'queued'
                           AND d.tenant_id = r.tenant_id AND d.conversation_id = r.conversation_id)
         LIMIT @limit)`,
    ),
    refDelete: db.prepare('DELETE FROM conversation_references WHERE tenant_id = ? AND conversation_id = ?'),
  };
  const toRef = (r: Row): StoredConversationReference => ({
    tenantId: str(r.tenant_id),
    conversationId: str(r.conversation_id),
    aadObjectId: strOrNull(r.aad_object_id),
    scope: str(r.scope) as StoredConversationReference['scope'],
    reference: JSON.parse(str(r.reference)) as Record<string, unknown>,
    updatedAt: str(r.updated_at),
  });

  return {
    organisations: {
      get: async (tenantId) => {
        const r = q.orgGet.get(tenantId) as Row | undefined;
        return r ? { tenantId: str(r.tenant_id), mpnId: str(r.mpn_id), name: str(r.name) } : null;
      },
      list: async () =>
        (q.orgList.all() as Row[]).map(
          (r): Organisation => ({ tenantId: str(r.tenant_id), mpnId: str(r.mpn_id), name: str(r.name) }),
        ),
      insert: async (org, createdAt) => {
        q.orgInsert.run({ ...org, createdAt });
      },
      delete: async (tenantId) => {
        q.orgDelete.run(tenantId);
      },
    },
    users: {
      get: async (tenantId, aadObjectId) => {
        const r = q.userGet.get(tenantId, aadObjectId) as Row | undefined;
        return r ? toUser(r) : null;
      },
      list: async (tenantId) => (q.userList.all(tenantId) as Row[]).map(toUser),
      listWithRole: async (tenantId, role) =>
        (q.userList.all(tenantId) as Row[]).map(toUser).filter((u) => u.roles.includes(role)),
      insert: async (user) => {
        q.userInsert.run({ ...user, roles: user.roles.join(',') });
      },
      save: async (user) => {
        q.userSave.run({ ...user, roles: user.roles.join(',') });
      },
    },
    offers: {
      list: async (tenantId) => (q.offerList.all(tenantId) as Row[]).map(toOffer),
      insert: async (offer) => {
        q.offerInsert.run(offer);
      },
    },
    benefits: {
      get: async (tenantId, id) => {
        const r = q.benefitGet.get(tenantId, id) as Row | undefined;
        return r ? toBenefit(r) : null;
      },
      list: async (tenantId) => (q.benefitList.all(tenantId) as Row[]).map(toBenefit),
      insert: async (b) => {
        q.benefitInsert.run({
          tenant_id: b.tenantId,
          id: b.id,
          offer_id: b.offerId,
          type: b.type,
          total: b.total,
          used: b.used,
          ...activationParams(b.activation),
        });
      },
      updateActivation: async (tenantId, id, expected, next) =>
        q.benefitActivation.run({ tenant_id: tenantId, id, expected, ...activationParams(next) }).changes ===
        1,
      consumeIncident: async (tenantId, id) => {
        const r = q.benefitConsume.get(tenantId, id) as Row | undefined;
        return r ? { used: Number(r.used), total: numOrNull(r.total) } : null;
      },
    },
    incidents: {
      get: async (tenantId, id) => {
        const r = q.incidentGet.get(tenantId, id) as Row | undefined;
        return r ? toIncident(r) : null;
      },
      getByIdempotencyKey: async (tenantId, key) => {
        const r = q.incidentByKey.get(tenantId, key) as Row | undefined;
        return r ? toIncident(r) : null;
      },
      list: async (tenantId, filter: IncidentFilter = {}) =>
        (
          q.incidentList.all({
            tenantId,
            openedBy: filter.openedBy ?? null,
            state: filter.state ?? null,
          }) as Row[]
        ).map(toIncident),
      insert: async (i) => {
        try {
          q.incidentInsert.run({
            ...i,
            contactName: i.contact.name,
            contactEmail: i.contact.email,
            contactPhone: i.contact.phone,
          });
        } catch (err) {
          if (isUniqueViolation(err, 'idempotency_key'))
            throw new DuplicateIdempotencyKeyError(i.idempotencyKey);
          throw err;
        }
      },
      close: async (tenantId, id, by, at) => q.incidentClose.run(by, at, tenantId, id).changes === 1,
    },
    audit: {
      append: async (e) => {
        q.auditAppend.run({ ...e, details: JSON.stringify(e.details) });
      },
      list: async (tenantId) =>
        (q.auditList.all(tenantId) as Row[]).map(
          (r): AuditEntry => ({
            id: Number(r.id),
            tenantId: str(r.tenant_id),
            actor: str(r.actor),
            action: str(r.action),
            subject: str(r.subject),
            details: JSON.parse(str(r.details)) as Record<string, unknown>,
            at: str(r.at),
          }),
        ),
    },
    ...alerts,
    state: {
      read: async (keys) => {
        const found = new Map<string, StateEntry>();
        for (const key of keys) {
          const r = q.stateGet.get(key) as Row | undefined;
          if (r)
            found.set(key, { etag: str(r.etag), data: JSON.parse(str(r.data)) as Record<string, unknown> });
        }
        return found;
      },
      write: async (key, data, expectedEtag, at) => {
        const etag = randomUUID();
        const current = q.stateGet.get(key) as Row | undefined;
        const unconditional = expectedEtag === null || expectedEtag === '*';
        if (current && !unconditional && str(current.etag) !== expectedEtag)
          throw new StateConflictError(key);
        if (current) q.stateUpdate.run(etag, JSON.stringify(data), at, key);
        else q.stateInsert.run(key, etag, JSON.stringify(data), at);
        return etag;
      },
      delete: async (keys) => {
        for (const key of keys) q.stateDelete.run(key);
      },
      deleteIdle: async (before, limit) => q.stateDeleteIdle.run(before, limit).changes,
    },
    conversations: {
      upsert: async (ref) => {
        q.refUpsert.run({ ...ref, reference: JSON.stringify(ref.reference) });
      },
      get: async (tenantId, conversationId) => {
        const r = q.refGet.get(tenantId, conversationId) as Row | undefined;
        return r ? toRef(r) : null;
      },
      usersWithPersonal: async (tenantId) =>
        new Set((q.refUsers.all(tenantId) as Row[]).map((r) => str(r.aad_object_id))),
      personalFor: async (tenantId, aadObjectId) => {
        const r = q.refPersonal.get(tenantId, aadObjectId) as Row | undefined;
        return r ? toRef(r) : null;
      },
      remove: async (tenantId, conversationId) => {
        q.refDelete.run(tenantId, conversationId);
      },
      deleteIdle: async (before, limit) => q.refDeleteIdle.run({ before, limit }).changes,
    },
  };
}

function isUniqueViolation(err: unknown, column: string): boolean {
  return (
    err instanceof Error &&
    (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    err.message.includes(column)
  );
}
