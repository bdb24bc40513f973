/**
 * The store's queries, written once for SQLite and PostgreSQL (issue 11) and compiled per engine
 * when a store opens (prepared.ts). What must differ between the engines is in engineSql.ts.
 */
import type { NotNull } from 'kysely';
import { alertQueries } from './alertQueries';
import { byName, hasRole, inList } from './engineSql';
import type { ListParameter } from './executor';
import { compileQueries, query, type Compiled, type EngineName, type Slots } from './prepared';
import type { StoredJson, StoredList } from './schema';

type NoValues = Record<never, never>;

interface UserValues {
  tenantId: string;
  aadObjectId: string;
  name: string;
  email: string;
  association: string;
  roles: StoredList;
  locale: string | null;
}

interface ActivationValues {
  state: string;
  requestedBy: string | null;
  requestedAt: string | null;
  accessId: string | null;
  contractId: string | null;
  activatedAt: string | null;
  rejectedReason: string | null;
  decidedBy: string | null;
}

interface IncidentValues {
  tenantId: string;
  id: string;
  benefitId: string | null;
  plan: string;
  kind: string;
  product: string;
  title: string;
  description: string;
  severity: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string | null;
  state: string;
  openedBy: string;
  openedAt: string;
  closedBy: string | null;
  closedAt: string | null;
  idempotencyKey: string;
}

const activationColumns = (p: Slots<ActivationValues>) => ({
  activation_state: p.state,
  requested_by: p.requestedBy,
  requested_at: p.requestedAt,
  access_id: p.accessId,
  contract_id: p.contractId,
  activated_at: p.activatedAt,
  rejected_reason: p.rejectedReason,
  decided_by: p.decidedBy,
});

const definitions = {
  orgGet: query((k, p: Slots<{ tenantId: string }>) =>
    k.selectFrom('organisations').selectAll().where('tenant_id', '=', p.tenantId),
  ),
  orgList: query((k, _p: Slots<NoValues>, engine) =>
    k.selectFrom('organisations').selectAll().orderBy(byName(engine)),
  ),
  orgInsert: query((k, p: Slots<{ tenantId: string; mpnId: string; name: string; createdAt: string }>) =>
    k
      .insertInto('organisations')
      .values({ tenant_id: p.tenantId, mpn_id: p.mpnId, name: p.name, created_at: p.createdAt }),
  ),
  orgDelete: query((k, p: Slots<{ tenantId: string }>) =>
    k.deleteFrom('organisations').where('tenant_id', '=', p.tenantId),
  ),

  userGet: query((k, p: Slots<{ tenantId: string; aadObjectId: string }>) =>
    k
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', p.tenantId)
      .where('aad_object_id', '=', p.aadObjectId),
  ),
  userList: query((k, p: Slots<{ tenantId: string }>, engine) =>
    k.selectFrom('users').selectAll().where('tenant_id', '=', p.tenantId).orderBy(byName(engine)),
  ),
  userWithRole: query((k, p: Slots<{ tenantId: string; role: string }>, engine) =>
    k
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', p.tenantId)
      .where(hasRole(engine, p.role))
      .orderBy(byName(engine)),
  ),
  userInsert: query((k, p: Slots<UserValues>) => k.insertInto('users').values(userColumns(p))),
  /** A directory's answer: everything but the locale, which is the person's own choice. */
  userSave: query((k, p: Slots<UserValues>) =>
    k
      .insertInto('users')
      .values(userColumns(p))
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'aad_object_id']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          email: eb.ref('excluded.email'),
          association: eb.ref('excluded.association'),
          roles: eb.ref('excluded.roles'),
        })),
      ),
  ),

  offerList: query((k, p: Slots<{ tenantId: string }>) =>
    k.selectFrom('membership_offers').selectAll().where('tenant_id', '=', p.tenantId).orderBy('seq'),
  ),
  offerInsert: query(
    (
      k,
      p: Slots<{
        tenantId: string;
        id: string;
        level: string;
        competency: string | null;
        competencyClass: string | null;
        startsOn: string;
        expiresOn: string;
      }>,
    ) =>
      k.insertInto('membership_offers').values({
        tenant_id: p.tenantId,
        id: p.id,
        level: p.level,
        competency: p.competency,
        competency_class: p.competencyClass,
        starts_on: p.startsOn,
        expires_on: p.expiresOn,
      }),
  ),

  benefitGet: query((k, p: Slots<{ tenantId: string; id: string }>) =>
    k.selectFrom('benefits').selectAll().where('tenant_id', '=', p.tenantId).where('id', '=', p.id),
  ),
  benefitList: query((k, p: Slots<{ tenantId: string }>) =>
    k.selectFrom('benefits').selectAll().where('tenant_id', '=', p.tenantId).orderBy('seq'),
  ),
  benefitInsert: query(
    (
      k,
      p: Slots<
        ActivationValues & {
          tenantId: string;
          id: string;
          offerId: string;
          type: string;
          total: number | null;
          used: number;
        }
      >,
    ) =>
      k.insertInto('benefits').values({
        tenant_id: p.tenantId,
        id: p.id,
        offer_id: p.offerId,
        type: p.type,
        total: p.total,
        used: p.used,
        ...activationColumns(p),
      }),
  ),
  /** Conditional: only over the state the caller saw. */
  benefitActivation: query(
    (k, p: Slots<ActivationValues & { tenantId: string; id: string; expected: string }>) =>
      k
        .updateTable('benefits')
        .set(activationColumns(p))
        .where('tenant_id', '=', p.tenantId)
        .where('id', '=', p.id)
        .where('activation_state', '=', p.expected),
  ),
  // R11, R14: the quota is taken here or not at all. Under PostgreSQL's SERIALIZABLE, a benefit
  // another instance changed since this unit's snapshot fails with 40001: the unit runs again and
  // chooses again (the next eligible benefit), rather than refusing.
  benefitConsume: query((k, p: Slots<{ tenantId: string; id: string }>) =>
    k
      .updateTable('benefits')
      .set((eb) => ({ used: eb('used', '+', 1) }))
      .where('tenant_id', '=', p.tenantId)
      .where('id', '=', p.id)
      .where((eb) => eb.or([eb('total', 'is', null), eb('used', '<', eb.ref('total'))]))
      .returning(['used', 'total']),
  ),

  incidentGet: query((k, p: Slots<{ tenantId: string; id: string }>) =>
    k.selectFrom('incidents').selectAll().where('tenant_id', '=', p.tenantId).where('id', '=', p.id),
  ),
  incidentByKey: query((k, p: Slots<{ tenantId: string; key: string }>) =>
    k
      .selectFrom('incidents')
      .selectAll()
      .where('tenant_id', '=', p.tenantId)
      .where('idempotency_key', '=', p.key),
  ),
  /** Newest first; `seq` orders those opened in the same millisecond. A null filter matches all. */
  incidentList: query((k, p: Slots<{ tenantId: string; openedBy: string | null; state: string | null }>) =>
    k
      .selectFrom('incidents')
      .selectAll()
      .where('tenant_id', '=', p.tenantId)
      .where((eb) => eb.or([eb(eb.cast(p.openedBy, 'text'), 'is', null), eb('opened_by', '=', p.openedBy)]))
      .where((eb) => eb.or([eb(eb.cast(p.state, 'text'), 'is', null), eb('state', '=', p.state)]))
      .orderBy('opened_at', 'desc')
      .orderBy('seq', 'desc'),
  ),
  // A repeated idempotency key inserts nothing (0 rows) rather than failing: on PostgreSQL a
  // failed statement would abort the whole unit of work.
  incidentInsert: query((k, p: Slots<IncidentValues>) =>
    k
      .insertInto('incidents')
      .values({
        tenant_id: p.tenantId,
        id: p.id,
        benefit_id: p.benefitId,
        plan: p.plan,
        kind: p.kind,
        product: p.product,
        title: p.title,
        description: p.description,
        severity: p.severity,
        contact_name: p.contactName,
        contact_email: p.contactEmail,
        contact_phone: p.contactPhone,
        state: p.state,
        opened_by: p.openedBy,
        opened_at: p.openedAt,
        closed_by: p.closedBy,
        closed_at: p.closedAt,
        idempotency_key: p.idempotencyKey,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing()),
  ),
  incidentClose: query((k, p: Slots<{ tenantId: string; id: string; by: string; at: string }>) =>
    k
      .updateTable('incidents')
      .set({ state: 'closed', closed_by: p.by, closed_at: p.at })
      .where('tenant_id', '=', p.tenantId)
      .where('id', '=', p.id)
      .where('state', '=', 'open'),
  ),

  auditAppend: query(
    (
      k,
      p: Slots<{
        tenantId: string;
        actor: string;
        action: string;
        subject: string;
        details: StoredJson;
        at: string;
      }>,
    ) =>
      k.insertInto('audit_log').values({
        tenant_id: p.tenantId,
        actor: p.actor,
        action: p.action,
        subject: p.subject,
        details: p.details,
        at: p.at,
      }),
  ),
  auditList: query((k, p: Slots<{ tenantId: string }>) =>
    k.selectFrom('audit_log').selectAll().where('tenant_id', '=', p.tenantId).orderBy('id'),
  ),

  stateRead: query((k, p: Slots<{ keys: ListParameter }>, engine) =>
    k
      .selectFrom('bot_state')
      .select(['key', 'etag', 'data'])
      .where(inList(engine, 'key', p.keys)),
  ),
  stateUpsert: query((k, p: Slots<StateValues>) =>
    k
      .insertInto('bot_state')
      .values(stateColumns(p))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          etag: eb.ref('excluded.etag'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      ),
  ),
  /** The conditional write: only over the etag the writer read (no lost update). */
  stateUpdateIf: query((k, p: Slots<StateValues & { expected: string }>) =>
    k
      .updateTable('bot_state')
      .set({ etag: p.etag, data: p.data, updated_at: p.at })
      .where('key', '=', p.key)
      .where('etag', '=', p.expected),
  ),
  stateInsertNew: query((k, p: Slots<StateValues>) =>
    k
      .insertInto('bot_state')
      .values(stateColumns(p))
      .onConflict((oc) => oc.column('key').doNothing()),
  ),
  stateDelete: query((k, p: Slots<{ keys: ListParameter }>, engine) =>
    k.deleteFrom('bot_state').where(inList(engine, 'key', p.keys)),
  ),
  stateDeleteIdle: query((k, p: Slots<{ before: string; limit: number }>) =>
    k
      .deleteFrom('bot_state')
      .where(
        'key',
        'in',
        k.selectFrom('bot_state').select('key').where('updated_at', '<', p.before).limit(p.limit),
      ),
  ),

  refUpsert: query(
    (
      k,
      p: Slots<{
        tenantId: string;
        conversationId: string;
        aadObjectId: string | null;
        scope: string;
        reference: StoredJson;
        updatedAt: string;
      }>,
    ) =>
      k
        .insertInto('conversation_references')
        .values({
          tenant_id: p.tenantId,
          conversation_id: p.conversationId,
          aad_object_id: p.aadObjectId,
          scope: p.scope,
          reference: p.reference,
          updated_at: p.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'conversation_id']).doUpdateSet((eb) => ({
            aad_object_id: eb.ref('excluded.aad_object_id'),
            scope: eb.ref('excluded.scope'),
            reference: eb.ref('excluded.reference'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
  ),
  refUsers: query((k, p: Slots<{ tenantId: string }>) =>
    k
      .selectFrom('conversation_references')
      .select('aad_object_id')
      .distinct()
      .where('tenant_id', '=', p.tenantId)
      .where('scope', '=', 'personal')
      .where('aad_object_id', 'is not', null)
      .$narrowType<{ aad_object_id: NotNull }>(),
  ),
  refGet: query((k, p: Slots<{ tenantId: string; conversationId: string }>) =>
    k
      .selectFrom('conversation_references')
      .selectAll()
      .where('tenant_id', '=', p.tenantId)
      .where('conversation_id', '=', p.conversationId),
  ),
  refPersonal: query((k, p: Slots<{ tenantId: string; aadObjectId: string }>) =>
    k
      .selectFrom('conversation_references')
      .selectAll()
      .where('tenant_id', '=', p.tenantId)
      .where('aad_object_id', '=', p.aadObjectId)
      .where('scope', '=', 'personal')
      .orderBy('updated_at', 'desc')
      .limit(1),
  ),
  /** See ConversationReferenceRepository.deleteIdle for what is kept. */
  refDeleteIdle: query((k, p: Slots<{ before: string; limit: number }>) =>
    k.deleteFrom('conversation_references').where(({ eb, refTuple }) =>
      eb(
        refTuple('tenant_id', 'conversation_id'),
        'in',
        k
          .selectFrom('conversation_references as r')
          .select(['r.tenant_id', 'r.conversation_id'])
          .where('r.updated_at', '<', p.before)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('alert_settings as s')
                  .select('s.tenant_id')
                  .whereRef('s.tenant_id', '=', 'r.tenant_id')
                  .whereRef('s.channel_conversation_id', '=', 'r.conversation_id'),
              ),
            ),
          )
          .where(({ eb: e, and, not, exists, selectFrom }) =>
            not(
              and([
                e('r.scope', '=', 'personal'),
                exists(
                  selectFrom('users as u')
                    .select('u.tenant_id')
                    .whereRef('u.tenant_id', '=', 'r.tenant_id')
                    .whereRef('u.aad_object_id', '=', 'r.aad_object_id'),
                ),
              ]),
            ),
          )
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('alert_deliveries as d')
                  .select('d.id')
                  .where('d.state', '=', 'queued')
                  .whereRef('d.tenant_id', '=', 'r.tenant_id')
                  .whereRef('d.conversation_id', '=', 'r.conversation_id'),
              ),
            ),
          )
          .limit(p.limit)
          .$asTuple('tenant_id', 'conversation_id'),
      ),
    ),
  ),
  refDelete: query((k, p: Slots<{ tenantId: string; conversationId: string }>) =>
    k
      .deleteFrom('conversation_references')
      .where('tenant_id', '=', p.tenantId)
      .where('conversation_id', '=', p.conversationId),
  ),
  ...alertQueries,
};

interface StateValues {
  key: string;
  etag: string;
  data: StoredJson;
  at: string;
}

function userColumns(p: Slots<UserValues>) {
  return {
    tenant_id: p.tenantId,
    aad_object_id: p.aadObjectId,
    name: p.name,
    email: p.email,
    association: p.association,
    roles: p.roles,
    locale: p.locale,
  };
}

function stateColumns(p: Slots<StateValues>) {
  return { key: p.key, etag: p.etag, data: p.data, updated_at: p.at };
}

export type StoreQueries = Compiled<typeof definitions>;

/** Every query of the store in `engine`'s SQL; a store calls this once, when it opens. */
export const compileStoreQueries = (engine: EngineName): StoreQueries => compileQueries(definitions, engine);
