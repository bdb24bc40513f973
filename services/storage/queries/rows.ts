/** Rows as both engines return them (schema.ts), made into the domain's types. */
import type { Selectable } from 'kysely';
import type {
  ActivationState,
  AlertDelivery,
  AlertPayload,
  AuditEntry,
  Benefit,
  Incident,
  MembershipOffer,
  Organisation,
  OutboxAlert,
  Role,
  User,
} from '../../domain/types';
import type { StoredConversationReference } from '../repositories';
import type { Codec } from './executor';
import type { Database } from './schema';

type Row<T extends keyof Database> = Selectable<Database[T]>;

export const toOrganisation = (r: Row<'organisations'>): Organisation => ({
  tenantId: r.tenant_id,
  mpnId: r.mpn_id,
  name: r.name,
});

export const toUser = (codec: Codec, r: Row<'users'>): User => ({
  tenantId: r.tenant_id,
  aadObjectId: r.aad_object_id,
  name: r.name,
  email: r.email,
  association: r.association as User['association'],
  roles: codec.fromList(r.roles) as Role[],
  locale: r.locale,
});

export const toOffer = (r: Row<'membership_offers'>): MembershipOffer => ({
  tenantId: r.tenant_id,
  id: r.id,
  level: r.level as MembershipOffer['level'],
  competency: r.competency,
  competencyClass: r.competency_class as MembershipOffer['competencyClass'],
  startsOn: r.starts_on,
  expiresOn: r.expires_on,
});

export const toBenefit = (r: Row<'benefits'>): Benefit => ({
  tenantId: r.tenant_id,
  id: r.id,
  offerId: r.offer_id,
  type: r.type as Benefit['type'],
  total: r.total,
  used: r.used,
  activation: {
    state: r.activation_state as ActivationState,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    accessId: r.access_id,
    contractId: r.contract_id,
    activatedAt: r.activated_at,
    rejectedReason: r.rejected_reason,
    decidedBy: r.decided_by,
  },
});

export const toIncident = (r: Row<'incidents'>): Incident => ({
  tenantId: r.tenant_id,
  id: r.id,
  benefitId: r.benefit_id,
  plan: r.plan as Incident['plan'],
  kind: r.kind as Incident['kind'],
  product: r.product,
  title: r.title,
  description: r.description,
  severity: r.severity as Incident['severity'],
  contact: { name: r.contact_name, email: r.contact_email, phone: r.contact_phone },
  state: r.state as Incident['state'],
  openedBy: r.opened_by,
  openedAt: r.opened_at,
  closedBy: r.closed_by,
  closedAt: r.closed_at,
  idempotencyKey: r.idempotency_key,
});

export const toAuditEntry = (codec: Codec, r: Row<'audit_log'>): AuditEntry => ({
  id: r.id,
  tenantId: r.tenant_id,
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  details: codec.fromJson<Record<string, unknown>>(r.details),
  at: r.at,
});

export const toReference = (
  codec: Codec,
  r: Row<'conversation_references'>,
): StoredConversationReference => ({
  tenantId: r.tenant_id,
  conversationId: r.conversation_id,
  aadObjectId: r.aad_object_id,
  scope: r.scope as StoredConversationReference['scope'],
  reference: codec.fromJson<Record<string, unknown>>(r.reference),
  updatedAt: r.updated_at,
});

export const toOutbox = (codec: Codec, r: Row<'alert_outbox'>): OutboxAlert => ({
  id: r.id,
  tenantId: r.tenant_id,
  payload: codec.fromJson<AlertPayload>(r.payload),
  createdAt: r.created_at,
  fannedOutAt: r.fanned_out_at,
});

export const toDelivery = (r: Row<'alert_deliveries'>): AlertDelivery => ({
  id: r.id,
  outboxId: r.outbox_id,
  tenantId: r.tenant_id,
  recipient: r.recipient,
  conversationId: r.conversation_id,
  state: r.state as AlertDelivery['state'],
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  leaseOwner: r.lease_owner,
  leaseUntil: r.lease_until,
  lastError: r.last_error,
  sentAt: r.sent_at,
  createdAt: r.created_at,
});
