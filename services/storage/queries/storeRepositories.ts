/**
 * The store's repositories, written once for both engines (issue 11): each method runs compiled
 * queries (storeQueries.ts) on an executor, which binds and converts for its engine
 * (sqlite/sqliteExecutor.ts, postgres/postgresExecutor.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Activation, User } from '../../domain/types';
import {
  DuplicateIdempotencyKeyError,
  StateConflictError,
  type IncidentFilter,
  type StateEntry,
  type StoreTx,
} from '../repositories';
import { alertRepositories } from './alertRepositories';
import type { Executor } from './executor';
import { toAuditEntry, toBenefit, toIncident, toOffer, toOrganisation, toReference, toUser } from './rows';

const activationValues = (a: Activation) => ({
  state: a.state,
  requestedBy: a.requestedBy,
  requestedAt: a.requestedAt,
  accessId: a.accessId,
  contractId: a.contractId,
  activatedAt: a.activatedAt,
  rejectedReason: a.rejectedReason,
  decidedBy: a.decidedBy,
});

export function storeRepositories(x: Executor): StoreTx {
  const { q, codec } = x;
  const userValues = (u: User) => ({
    tenantId: u.tenantId,
    aadObjectId: u.aadObjectId,
    name: u.name,
    email: u.email,
    association: u.association,
    roles: codec.list(u.roles),
    locale: u.locale,
  });
  const toUserRow = toUser.bind(null, codec);

  return {
    organisations: {
      get: async (tenantId) => {
        const r = await x.row(q.orgGet, { tenantId });
        return r ? toOrganisation(r) : null;
      },
      list: async () => (await x.rows(q.orgList, {})).map(toOrganisation),
      insert: async (org, createdAt) => {
        await x.count(q.orgInsert, { ...org, createdAt });
      },
      delete: async (tenantId) => {
        await x.count(q.orgDelete, { tenantId });
      },
    },
    users: {
      get: async (tenantId, aadObjectId) => {
        const r = await x.row(q.userGet, { tenantId, aadObjectId });
        return r ? toUserRow(r) : null;
      },
      list: async (tenantId) => (await x.rows(q.userList, { tenantId })).map(toUserRow),
      listWithRole: async (tenantId, role) =>
        (await x.rows(q.userWithRole, { tenantId, role })).map(toUserRow),
      insert: async (user) => {
        await x.count(q.userInsert, userValues(user));
      },
      save: async (user) => {
        await x.count(q.userSave, userValues(user));
      },
    },
    offers: {
      list: async (tenantId) => (await x.rows(q.offerList, { tenantId })).map(toOffer),
      insert: async (offer) => {
        await x.count(q.offerInsert, offer);
      },
    },
    benefits: {
      get: async (tenantId, id) => {
        const r = await x.row(q.benefitGet, { tenantId, id });
        return r ? toBenefit(r) : null;
      },
      list: async (tenantId) => (await x.rows(q.benefitList, { tenantId })).map(toBenefit),
      insert: async (b) => {
        await x.count(q.benefitInsert, { ...b, ...activationValues(b.activation) });
      },
      updateActivation: async (tenantId, id, expected, next) =>
        (await x.count(q.benefitActivation, { tenantId, id, expected, ...activationValues(next) })) === 1,
      consumeIncident: (tenantId, id) => x.row(q.benefitConsume, { tenantId, id }),
    },
    incidents: {
      get: async (tenantId, id) => {
        const r = await x.row(q.incidentGet, { tenantId, id });
        return r ? toIncident(r) : null;
      },
      getByIdempotencyKey: async (tenantId, key) => {
        const r = await x.row(q.incidentByKey, { tenantId, key });
        return r ? toIncident(r) : null;
      },
      list: async (tenantId, filter: IncidentFilter = {}) =>
        (
          await x.rows(q.incidentList, {
            tenantId,
            openedBy: filter.openedBy ?? null,
            state: filter.state ?? null,
          })
        ).map(toIncident),
      insert: async (i) => {
        const inserted = await x.count(q.incidentInsert, {
          ...i,
          contactName: i.contact.name,
          contactEmail: i.contact.email,
          contactPhone: i.contact.phone,
        });
        if (inserted === 0) throw new DuplicateIdempotencyKeyError(i.idempotencyKey);
      },
      close: async (tenantId, id, by, at) => (await x.count(q.incidentClose, { tenantId, id, by, at })) === 1,
    },
    audit: {
      append: async (e) => {
        await x.count(q.auditAppend, { ...e, details: codec.json(e.details) });
      },
      list: async (tenantId) => (await x.rows(q.auditList, { tenantId })).map((r) => toAuditEntry(codec, r)),
    },
    ...alertRepositories(x),
    state: {
      read: async (keys) => {
        const found = new Map<string, StateEntry>();
        if (keys.length === 0) return found;
        // Answered under the keys asked for: PostgreSQL keeps a key with U+0000 in another form.
        const asked = new Map<string, string[]>();
        for (const key of keys) {
          const stored = codec.storedText(key);
          asked.set(stored, [...(asked.get(stored) ?? []), key]);
        }
        for (const r of await x.rows(q.stateRead, { keys: codec.inList(keys) })) {
          const entry = { etag: r.etag, data: codec.fromJson<Record<string, unknown>>(r.data) };
          for (const key of asked.get(r.key) ?? []) found.set(key, entry);
        }
        return found;
      },
      write: async (key, data, expectedEtag, at) => {
        const values = { key, etag: randomUUID(), data: codec.json(data), at };
        if (expectedEtag === null || expectedEtag === '*') {
          await x.count(q.stateUpsert, values);
          return values.etag;
        }
        if ((await x.count(q.stateUpdateIf, { ...values, expected: expectedEtag })) === 1) return values.etag;
        // No row with that etag: a new entry is written, a changed one is a conflict.
        if ((await x.count(q.stateInsertNew, values)) === 1) return values.etag;
        throw new StateConflictError(key);
      },
      delete: async (keys) => {
        if (keys.length > 0) await x.count(q.stateDelete, { keys: codec.inList(keys) });
      },
      deleteIdle: (before, limit) => x.count(q.stateDeleteIdle, { before, limit }),
    },
    conversations: {
      upsert: async (ref) => {
        await x.count(q.refUpsert, { ...ref, reference: codec.json(ref.reference) });
      },
      get: async (tenantId, conversationId) => {
        const r = await x.row(q.refGet, { tenantId, conversationId });
        return r ? toReference(codec, r) : null;
      },
      usersWithPersonal: async (tenantId) =>
        new Set((await x.rows(q.refUsers, { tenantId })).map((r) => r.aad_object_id)),
      personalFor: async (tenantId, aadObjectId) => {
        const r = await x.row(q.refPersonal, { tenantId, aadObjectId });
        return r ? toReference(codec, r) : null;
      },
      remove: async (tenantId, conversationId) => {
        await x.count(q.refDelete, { tenantId, conversationId });
      },
      deleteIdle: (before, limit) => x.count(q.refDeleteIdle, { before, limit }),
    },
  };
}
