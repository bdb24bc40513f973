/**
 * The partner's world as the service layer sees it. Names follow the source document
 * (FACTS.md): membership offers, benefits, activation, incidents.
 */

/** R1 roles, plus our own support lead who receives quota alerts. */
export type Role = 'globalAdmin' | 'mpnPartnerAdmin' | 'adminAgent' | 'supportLead';
export const ROLES: readonly Role[] = ['globalAdmin', 'mpnPartnerAdmin', 'adminAgent', 'supportLead'];

/** R4: an account is associated with MPN, only with CSP, or with neither. */
export type AccountAssociation = 'mpn' | 'cspOnly' | 'none';
export const ACCOUNT_ASSOCIATIONS: readonly AccountAssociation[] = ['mpn', 'cspOnly', 'none'];

/** Membership offer levels (R11 table columns). */
export type OfferLevel = 'actionPack' | 'silver' | 'gold';
export const OFFER_LEVELS: readonly OfferLevel[] = ['actionPack', 'silver', 'gold'];

/** R12: cloud competencies versus every other competency. */
export type CompetencyClass = 'cloud' | 'other';

/** R13: Product Support is on-premises; Signature Cloud Support is cloud. */
export type BenefitType = 'productSupport' | 'signatureCloudSupport';
export const BENEFIT_TYPES: readonly BenefitType[] = ['productSupport', 'signatureCloudSupport'];

/** R7–R9: not activated → pending → active, or rejected. */
export type ActivationState = 'notActivated' | 'pending' | 'active' | 'rejected';
export const ACTIVATION_STATES: readonly ActivationState[] = [
  'notActivated',
  'pending',
  'active',
  'rejected',
];

/** What an incident is for: on-premises (R17), cloud, or Azure for a CSP customer (R3, R16). */
export type IncidentKind = 'onPremises' | 'cloud' | 'cspAzure';
export const INCIDENT_KINDS: readonly IncidentKind[] = ['onPremises', 'cloud', 'cspAzure'];

/** Microsoft support severities: A critical, B high, C moderate. */
export type Severity = 'A' | 'B' | 'C';
export const SEVERITIES: readonly Severity[] = ['A', 'B', 'C'];

export type IncidentState = 'open' | 'closed';

/** The support plan an incident was opened under. R16: CSP Azure requests use the CSP plan. */
export type SupportPlan = BenefitType | 'cloudSolutionProvider';

/** An ISO calendar date, YYYY-MM-DD, in UTC. */
export type IsoDate = string;
/** An ISO timestamp in UTC. */
export type IsoTimestamp = string;

export interface Organisation {
  tenantId: string;
  mpnId: string;
  name: string;
}

export interface MembershipOffer {
  id: string;
  tenantId: string;
  level: OfferLevel;
  /** Competency name for Silver/Gold; null for Action Pack. */
  competency: string | null;
  competencyClass: CompetencyClass | null;
  startsOn: IsoDate;
  expiresOn: IsoDate;
}

export interface User {
  tenantId: string;
  aadObjectId: string;
  name: string;
  email: string;
  association: AccountAssociation;
  roles: Role[];
  locale: string | null;
}

export interface Activation {
  state: ActivationState;
  requestedBy: string | null;
  requestedAt: IsoTimestamp | null;
  /** R9: issued by Microsoft once activation succeeds. */
  accessId: string | null;
  contractId: string | null;
  activatedAt: IsoTimestamp | null;
  rejectedReason: string | null;
  decidedBy: string | null;
}

/** A stored benefit: one per benefit type an offer grants (R11). */
export interface Benefit {
  id: string;
  tenantId: string;
  offerId: string;
  type: BenefitType;
  /** Incidents granted; null means unlimited (R11: cloud competencies). */
  total: number | null;
  used: number;
  activation: Activation;
}

export interface IncidentContact {
  name: string;
  email: string;
  phone: string | null;
}

export interface Incident {
  id: string;
  tenantId: string;
  /** Null for CSP Azure requests, which consume no incident (R16). */
  benefitId: string | null;
  plan: SupportPlan;
  kind: IncidentKind;
  product: string;
  title: string;
  description: string;
  severity: Severity;
  contact: IncidentContact;
  state: IncidentState;
  openedBy: string;
  openedAt: IsoTimestamp;
  closedBy: string | null;
  closedAt: IsoTimestamp | null;
  idempotencyKey: string;
}

/** Who is acting: a Teams user (looked up by tenant + Entra object id) or the operator's CLI. */
export type Actor =
  | { kind: 'user'; tenantId: string; aadObjectId: string }
  | { kind: 'system'; name: string };

export function actorId(actor: Actor): string {
  return actor.kind === 'user' ? actor.aadObjectId : `system:${actor.name}`;
}

export interface AuditEntry {
  id: number;
  tenantId: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  at: IsoTimestamp;
}

/** Quota thresholds that can raise an alert, in the order they are reached. */
export const QUOTA_THRESHOLDS = ['half', 'eightyPercent', 'oneLeft', 'exhausted'] as const;
export type QuotaThreshold = (typeof QUOTA_THRESHOLDS)[number];
/** The default: 50 % used, 80 % used, one left, exhausted (all of them). */
export const DEFAULT_QUOTA_THRESHOLDS: readonly QuotaThreshold[] = QUOTA_THRESHOLDS;

export type AlertPayload =
  | {
      kind: 'quotaThreshold';
      threshold: QuotaThreshold;
      benefitId: string;
      benefitType: BenefitType;
      offerId: string;
      total: number;
      used: number;
      remaining: number;
      incidentId: string;
      openedBy: string;
    }
  | {
      kind: 'activationChanged';
      benefitId: string;
      benefitType: BenefitType;
      offerId: string;
      from: ActivationState;
      to: ActivationState;
      requestedBy: string | null;
      by: string;
    }
  | ScheduledAlertPayload;

/** A benefit's offer ends within an alert window (30 or 7 days, R14). */
export interface BenefitExpiringAlert {
  kind: 'benefitExpiring';
  benefitId: string;
  benefitType: BenefitType;
  offerId: string;
  expiresOn: IsoDate;
  windowDays: number;
  daysLeft: number;
}

/** An activation request is still pending after the organisation's reminder period (R8). */
export interface ActivationPendingAlert {
  kind: 'activationPending';
  benefitId: string;
  benefitType: BenefitType;
  offerId: string;
  requestedBy: string | null;
  requestedAt: IsoTimestamp;
  daysPending: number;
}

export type ScheduledAlertPayload = BenefitExpiringAlert | ActivationPendingAlert;

/** How an organisation's alerts behave; defaults apply until an admin changes them. */
export interface AlertSettings {
  tenantId: string;
  thresholds: QuotaThreshold[];
  /** Admins are reminded of a request pending this many days, and again every as many days. */
  pendingReminderDays: number;
  /** A team channel that also receives quota and expiry alerts ("send alerts here"). */
  channelConversationId: string | null;
}

export const DEFAULT_PENDING_REMINDER_DAYS = 5;
export const EXPIRY_ALERT_WINDOWS_DAYS: readonly number[] = [30, 7];

export type DeliveryState = 'queued' | 'sent' | 'unreachable';

/** One alert for one recipient: a user's personal chat (`user:<aadObjectId>`) or a channel (`channel:<id>`). */
export interface AlertDelivery {
  id: number;
  outboxId: number;
  tenantId: string;
  recipient: string;
  conversationId: string | null;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: IsoTimestamp;
  leaseOwner: string | null;
  leaseUntil: IsoTimestamp | null;
  lastError: string | null;
  sentAt: IsoTimestamp | null;
  createdAt: IsoTimestamp;
}

export interface OutboxAlert {
  id: number;
  tenantId: string;
  payload: AlertPayload;
  createdAt: IsoTimestamp;
  /** When its deliveries were created (one per recipient); null while waiting for fan-out. */
  fannedOutAt: IsoTimestamp | null;
}
