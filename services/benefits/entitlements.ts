import { daysBetween } from '../domain/clock';
import { entitlement } from '../domain/facts';
import type { Benefit, BenefitType, IsoDate, MembershipOffer } from '../domain/types';
import { BENEFIT_TYPES } from '../domain/types';
import type { BenefitStatus } from '../domain/views';

/** The benefit id is stable and readable: `<offer id>.<benefit type>`. */
export function benefitId(offerId: string, type: BenefitType): string {
  return `${offerId}.${type}`;
}

/** FACTS R11, R13: the benefits one membership offer grants, with their incident totals (null = unlimited). */
export function benefitsGrantedBy(offer: Pick<MembershipOffer, 'level' | 'competencyClass'>): {
  type: BenefitType;
  total: number | null;
}[] {
  const granted: { type: BenefitType; total: number | null }[] = [];
  for (const type of BENEFIT_TYPES) {
    const total = entitlement(offer.level, offer.competencyClass, type);
    if (total !== undefined) granted.push({ type, total });
  }
  return granted;
}

/** An offer is active from its start date through its expiry date, inclusive. */
export function isOfferActive(offer: MembershipOffer, today: IsoDate): boolean {
  return offer.startsOn <= today && today <= offer.expiresOn;
}

/** R14: a benefit lasts until it expires or no support incidents remain. */
export function isExpired(offer: MembershipOffer, today: IsoDate): boolean {
  return today > offer.expiresOn;
}

export function remaining(benefit: Pick<Benefit, 'total' | 'used'>): number | null {
  return benefit.total === null ? null : benefit.total - benefit.used;
}

/** What a person sees: expired and exhausted win over the activation state (R14). */
export function benefitStatus(benefit: Benefit, offer: MembershipOffer, today: IsoDate): BenefitStatus {
  if (isExpired(offer, today)) return 'expired';
  if (benefit.activation.state === 'active' && remaining(benefit) === 0) return 'exhausted';
  return benefit.activation.state;
}

/** Days until expiry (0 on the expiry day itself); negative once expired. */
export function daysToExpiry(offer: MembershipOffer, today: IsoDate): number {
  return daysBetween(today, offer.expiresOn);
}
