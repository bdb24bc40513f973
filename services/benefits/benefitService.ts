import { unreachableSupportLeads } from '../alerts/alertSettingsService';
import { type Clock, isoToday } from '../domain/clock';
import { NoBenefitsError } from '../domain/errors';
import type { Benefit, MembershipOffer } from '../domain/types';
import type { BenefitView, BenefitsView, OfferView } from '../domain/views';
import { canActivate, requireMpnAccount, resolveCaller } from '../access';
import type { Store, StoreTx } from '../storage/repositories';
import { organisationScope } from '../storage/scopes';
import { benefitStatus, isOfferActive, remaining } from './entitlements';

export interface UserRef {
  tenantId: string;
  aadObjectId: string;
}

export function benefitView(benefit: Benefit, offer: MembershipOffer, today: string): BenefitView {
  const active = benefit.activation.state === 'active';
  return {
    id: benefit.id,
    type: benefit.type,
    status: benefitStatus(benefit, offer, today),
    activationState: benefit.activation.state,
    expiresOn: offer.expiresOn,
    total: benefit.total,
    used: benefit.used,
    remaining: remaining(benefit),
    // R9: the IDs exist only once activation succeeded.
    accessId: active ? benefit.activation.accessId : null,
    contractId: active ? benefit.activation.contractId : null,
    requestedAt: benefit.activation.requestedAt,
    requestedBy: benefit.activation.requestedBy,
    activatedAt: active ? benefit.activation.activatedAt : null,
    rejectedReason: benefit.activation.state === 'rejected' ? benefit.activation.rejectedReason : null,
  };
}

export function offerViews(offers: MembershipOffer[], benefits: Benefit[], today: string): OfferView[] {
  return offers.map((offer) => ({
    id: offer.id,
    level: offer.level,
    competency: offer.competency,
    competencyClass: offer.competencyClass,
    startsOn: offer.startsOn,
    expiresOn: offer.expiresOn,
    active: isOfferActive(offer, today),
    benefits: benefits.filter((b) => b.offerId === offer.id).map((b) => benefitView(b, offer, today)),
  }));
}

/** What a user may see of the organisation's membership offers and benefits (R4–R6, R9, R11, R14). */
export class BenefitService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Everyone in an organisation asks for this often and it changes rarely: the result is kept
   * until a commit changes the organisation (readCached), so it is shared and frozen. Everything
   * it reads (people, offers, benefits, personal conversation references) is the organisation's.
   */
  view(who: UserRef): Promise<BenefitsView> {
    const today = isoToday(this.clock);
    const key = `benefits-view\u0000${who.tenantId}\u0000${who.aadObjectId}\u0000${today}`;
    return this.store.readCached(key, [organisationScope(who.tenantId)], async (tx) => {
      const { organisation, user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      requireMpnAccount(user); // R4
      const offers = await this.loadOffers(tx, who.tenantId, today);
      if (!offers.some((o) => o.active)) throw new NoBenefitsError(); // R5 (+ R6 hint in the card)
      return {
        organisation: { tenantId: organisation.tenantId, mpnId: organisation.mpnId, name: organisation.name },
        user: {
          aadObjectId: user.aadObjectId,
          name: user.name,
          roles: user.roles,
          canActivate: canActivate(user),
        },
        offers,
        asOf: today,
        unreachableSupportLeads: canActivate(user) ? await unreachableSupportLeads(tx, who.tenantId) : [],
      };
    });
  }

  /** The operator's view of an organisation (admin CLI), with no user checks. */
  overview(tenantId: string): Promise<{ name: string; mpnId: string; offers: OfferView[] } | null> {
    return this.store.read(async (tx) => {
      const org = await tx.organisations.get(tenantId);
      if (!org) return null;
      return {
        name: org.name,
        mpnId: org.mpnId,
        offers: await this.loadOffers(tx, tenantId, isoToday(this.clock)),
      };
    });
  }

  private async loadOffers(tx: StoreTx, tenantId: string, today: string): Promise<OfferView[]> {
    const [offers, benefits] = await Promise.all([tx.offers.list(tenantId), tx.benefits.list(tenantId)]);
    return offerViews(offers, benefits, today);
  }
}
