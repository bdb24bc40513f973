/** What a user may see (read models), shaped for cards and answers. */
import type {
  ActivationState,
  BenefitType,
  CompetencyClass,
  Incident,
  IsoDate,
  IsoTimestamp,
  OfferLevel,
  Role,
} from './types';

/** A benefit's status as shown to people: activation state, or why it can no longer be used. */
export type BenefitStatus = ActivationState | 'expired' | 'exhausted';

export interface BenefitView {
  id: string;
  type: BenefitType;
  status: BenefitStatus;
  activationState: ActivationState;
  expiresOn: IsoDate;
  /** null = unlimited (R11 cloud competencies). */
  total: number | null;
  used: number;
  /** null = unlimited. */
  remaining: number | null;
  /** R9: shown only when active. */
  accessId: string | null;
  contractId: string | null;
  requestedAt: IsoTimestamp | null;
  requestedBy: string | null;
  /** When Microsoft's IDs were recorded (active benefits). */
  activatedAt: IsoTimestamp | null;
  /** Why Microsoft rejected the request (rejected benefits); shown on the card and in answers. */
  rejectedReason: string | null;
}

export interface OfferView {
  id: string;
  level: OfferLevel;
  competency: string | null;
  competencyClass: CompetencyClass | null;
  startsOn: IsoDate;
  expiresOn: IsoDate;
  active: boolean;
  benefits: BenefitView[];
}

export interface BenefitsView {
  organisation: { tenantId: string; mpnId: string; name: string };
  user: { aadObjectId: string; name: string; roles: Role[]; canActivate: boolean };
  offers: OfferView[];
  asOf: IsoDate;
  /** For admins: support leads that quota alerts cannot reach (the bot is not installed for them). */
  unreachableSupportLeads: readonly string[];
}

export interface IncidentView extends Incident {
  /** true when the call repeated an idempotency key and got the first incident back. */
  replayed: boolean;
}
