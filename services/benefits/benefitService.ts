import { unreachableSupportLeads } from '../alerts/alertSettingsService';
import { type Clock, isoToday } from '../domain/clock';
import { NoBenefitsError, UnknownOrganisationError } from '../domain/errors';
import type { Benefit, MembershipOffer } from '../domain/types';
import type { BenefitView, BenefitsView, OfferView } from '../domain/views';
import { canActivate, requireMpnAccount, resolveCaller } from '../access';
import type { Store, StoreTx } from '../storage/repositories';
import { organisationScope, peopleScope, reachScope } from '../storage/scopes';
import { benefitStatus, isOfferActive, remaining } from './entitlements';

/** The organisation's part of a benefits view: the same for all its people on a day. */
type OrganisationBenefits = Omit<BenefitsView, 'user' | 'unreachableSupportLeads'>;

const NOBODY: readonly string[] = Object.freeze([]);

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
   * Everyone in an organisation asks for this often and it changes rarely, so it is put together
   * from cached reads (readCached: kept until a commit changes what they read, shared and
   * frozen): the organisation's part (offers and benefits), read once for all its people; the
   * person's (name, roles, may activate), a few hundred bytes each; and, for admins only, who
   * quota alerts cannot reach. The cards rendered from a view hang on its organisation's part
   * (cards/benefitsCard.ts), so 20 people of an organisation share one part and its cards instead
   * of holding 20 copies. Each part names only what it reads: an incident or an activation drops
   * the organisation's part and its cards, not its people's parts (peopleScope); who can be
   * reached changes whenever someone opens a personal chat with the bot (every new person's first
   * message), so it is a read of its own (reachScope) and drops nothing else. The parts may come from
   * different snapshots: each is as new as the database when it was looked up; nothing here
   * writes, and an activation re-checks the role (R2).
   */
  async view(who: UserRef): Promise<BenefitsView> {
    const user = await this.person(who); // R4 and unknown people first, as one read did before
    const shared = await this.organisationPart(who.tenantId);
    return Object.freeze({
      organisation: shared.organisation,
      user,
      offers: shared.offers,
      asOf: shared.asOf,
      // Admins only: the others may not act on it.
      unreachableSupportLeads: user.canActivate ? await this.unreachable(who.tenantId) : NOBODY,
    });
  }

  private person(who: UserRef): Promise<BenefitsView['user']> {
    const key = `benefits-person\u0000${who.tenantId}\u0000${who.aadObjectId}`;
    return this.store.readCached(key, [peopleScope(who.tenantId)], async (tx) => {
      const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      requireMpnAccount(user); // R4
      return {
        aadObjectId: user.aadObjectId,
        name: user.name,
        roles: user.roles,
        canActivate: canActivate(user),
      };
    });
  }

  private organisationPart(tenantId: string): Promise<OrganisationBenefits> {
    const today = isoToday(this.clock);
    const key = `benefits-organisation\u0000${tenantId}\u0000${today}`;
    return this.store.readCached(key, [organisationScope(tenantId), peopleScope(tenantId)], async (tx) => {
      const organisation = await tx.organisations.get(tenantId);
      if (!organisation) throw new UnknownOrganisationError(tenantId);
      const offers = await this.loadOffers(tx, tenantId, today);
      if (!offers.some((o) => o.active)) throw new NoBenefitsError(); // R5 (+ R6 hint in the card)
      return {
        organisation: { tenantId: organisation.tenantId, mpnId: organisation.mpnId, name: organisation.name },
        offers,
        asOf: today,
      };
    });
  }

  /** The organisation's support leads without a personal chat: their roles and their chats. */
  private unreachable(tenantId: string): Promise<readonly string[]> {
    return this.store.readCached(
      `benefits-unreachable\u0000${tenantId}`,
      [peopleScope(tenantId), reachScope(tenantId)],
      (tx) => unreachableSupportLeads(tx, tenantId),
    );
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
