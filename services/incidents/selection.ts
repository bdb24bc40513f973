import {
  BenefitExpiredError,
  BenefitNotActivatedError,
  NoBenefitsError,
  NotFoundError,
  QuotaExceededError,
  SignatureCloudNotEntitledError,
} from '../domain/errors';
import type {
  Benefit,
  BenefitType,
  IncidentKind,
  IsoDate,
  MembershipOffer,
  QuotaThreshold,
} from '../domain/types';
import { isExpired, isOfferActive, remaining } from '../benefits/entitlements';

/** R13: on-premises incidents use Product Support, cloud incidents Signature Cloud Support. */
export function benefitTypeFor(kind: Exclude<IncidentKind, 'cspAzure'>): BenefitType {
  return kind === 'onPremises' ? 'productSupport' : 'signatureCloudSupport';
}

/**
 * Chooses the benefit an incident is counted against, or throws the refusal that explains
 * why none can be used. With several offers: unlimited first, then the one that expires
 * soonest (use it before it lapses), then the one with fewest incidents left.
 */
export function chooseBenefit(
  kind: Exclude<IncidentKind, 'cspAzure'>,
  offers: MembershipOffer[],
  benefits: Benefit[],
  today: IsoDate,
  benefitId?: string,
): { benefit: Benefit; offer: MembershipOffer } {
  const type = benefitTypeFor(kind);
  const offerById = new Map(offers.map((o) => [o.id, o]));
  const started = benefits.filter((b) => {
    const offer = offerById.get(b.offerId);
    return offer !== undefined && offer.startsOn <= today;
  });
  let candidates = started.filter((b) => b.type === type);
  if (benefitId !== undefined) {
    candidates = candidates.filter((b) => b.id === benefitId);
    if (candidates.length === 0) throw new NotFoundError('benefit', benefitId);
  }
  if (candidates.length === 0) {
    if (!offers.some((o) => isOfferActive(o, today))) throw new NoBenefitsError(); // R5
    throw new SignatureCloudNotEntitledError(); // R11, R13: Action Pack only
  }
  const live = candidates.filter((b) => !isExpired(offerById.get(b.offerId) as MembershipOffer, today));
  if (live.length === 0) {
    const lastExpiry = candidates
      .map((b) => (offerById.get(b.offerId) as MembershipOffer).expiresOn)
      .sort()
      .pop();
    throw new BenefitExpiredError(type, lastExpiry as string); // R14
  }
  const activated = live.filter((b) => b.activation.state === 'active');
  if (activated.length === 0) {
    throw new BenefitNotActivatedError(
      type,
      live.map((b) => b.activation.state),
    ); // R7
  }
  const usable = activated.filter((b) => remaining(b) !== 0);
  if (usable.length === 0) {
    throw new QuotaExceededError(
      type,
      activated.reduce((sum, b) => sum + (b.total ?? 0), 0),
    ); // R11, R14
  }
  usable.sort((a, b) => {
    if ((a.total === null) !== (b.total === null)) return a.total === null ? -1 : 1;
    const ea = (offerById.get(a.offerId) as MembershipOffer).expiresOn;
    const eb = (offerById.get(b.offerId) as MembershipOffer).expiresOn;
    if (ea !== eb) return ea < eb ? -1 : 1;
    const ra = remaining(a) ?? Infinity;
    const rb = remaining(b) ?? Infinity;
    return ra !== rb ? ra - rb : a.id.localeCompare(b.id);
  });
  const benefit = usable[0];
  return { benefit, offer: offerById.get(benefit.offerId) as MembershipOffer };
}

/** The quota thresholds one more incident crosses (from `before` used to `after` used of `total`). */
export function crossedThresholds(
  before: number,
  after: number,
  total: number,
  thresholds: readonly QuotaThreshold[],
): QuotaThreshold[] {
  const crossed = (reached: (used: number) => boolean) => !reached(before) && reached(after);
  const tests: Record<QuotaThreshold, (used: number) => boolean> = {
    half: (used) => used * 2 >= total,
    eightyPercent: (used) => used * 5 >= total * 4,
    oneLeft: (used) => total - used <= 1,
    exhausted: (used) => used >= total,
  };
  return thresholds.filter((t) => crossed(tests[t]));
}
