import { type Clock, isoTimestamp, isoToday } from '../domain/clock';
import { ActivationStateError, BenefitExpiredError, NotFoundError, ValidationError } from '../domain/errors';
import type { Activation, ActivationState, Actor, Benefit, MembershipOffer } from '../domain/types';
import { actorId } from '../domain/types';
import type { BenefitView, OfferView } from '../domain/views';
import { requireActivatingRole, resolveCaller } from '../access';
import { benefitView, offerViews, type UserRef } from '../benefits/benefitService';
import { isExpired } from '../benefits/entitlements';
import type { Directory } from '../directory/directory';
import type { Store, StoreTx } from '../storage/repositories';

/** Access and Contract IDs as issued by Microsoft: letters, digits and dashes. */
export const ACTIVATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{3,63}$/;

export interface ActivationIds {
  accessId: string;
  contractId: string;
}

export interface ActivationResult {
  benefit: BenefitView;
  offer: OfferView;
  /** false when the call changed nothing (a repeated request, R8: one request). */
  changed: boolean;
}

export function activationIdProblems(ids: { accessId?: unknown; contractId?: unknown }) {
  const problems: { path: string; reason: string }[] = [];
  for (const field of ['accessId', 'contractId'] as const) {
    const value = ids[field];
    if (typeof value !== 'string' || !ACTIVATION_ID_PATTERN.test(value.trim())) {
      problems.push({
        path: field,
        reason: 'must be 4–64 letters, digits or dashes, starting with a letter or digit',
      });
    }
  }
  return problems;
}

/** R2, R7–R10: request → pending (a few days) → active with Access ID and Contract ID, or rejected. */
export class ActivationService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Roles are confirmed with the directory right before every change (Entra: a fresh Graph read). */
    private readonly directory: Pick<Directory, 'confirmRoles'> = { confirmRoles: async () => {} },
  ) {}

  /** R2: Global admin or MPN partner admin asks Microsoft to activate a benefit; asking twice makes one request. */
  async request(who: UserRef, benefitId: string): Promise<ActivationResult> {
    await this.directory.confirmRoles(who); // R2 as Entra says now, not as it said minutes ago
    return this.store.transaction(async (tx) => {
      const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      requireActivatingRole(user); // R2 (and R4)
      const { benefit, offer } = await this.load(tx, who.tenantId, benefitId);
      if (isExpired(offer, isoToday(this.clock)))
        throw new BenefitExpiredError(benefit.type, offer.expiresOn);
      const state = benefit.activation.state;
      if (state === 'pending' || state === 'active') return this.result(benefit, offer, false); // R8: one request
      const now = isoTimestamp(this.clock);
      const next: Activation = {
        state: 'pending',
        requestedBy: user.aadObjectId,
        requestedAt: now,
        accessId: null,
        contractId: null,
        activatedAt: null,
        rejectedReason: null,
        decidedBy: null,
      };
      return this.change(
        tx,
        { kind: 'user', ...who },
        benefit,
        offer,
        state,
        next,
        'activation.requested',
        {},
      );
    });
  }

  /** R9: record the Access ID and Contract ID Microsoft issued; the benefit becomes active. */
  async recordIds(
    by: Actor,
    tenantId: string,
    benefitId: string,
    ids: ActivationIds,
  ): Promise<ActivationResult> {
    const problems = activationIdProblems(ids);
    if (problems.length) throw new ValidationError(problems);
    if (by.kind === 'user') await this.directory.confirmRoles(by); // R2, fresh
    return this.store.transaction(async (tx) => {
      await this.authorise(tx, by);
      const { benefit, offer } = await this.load(tx, tenantId, benefitId);
      const accessId = ids.accessId.trim();
      const contractId = ids.contractId.trim();
      if (benefit.activation.state === 'active') {
        if (benefit.activation.accessId === accessId && benefit.activation.contractId === contractId) {
          return this.result(benefit, offer, false); // the same form submitted twice
        }
        throw new ActivationStateError('active', 'record');
      }
      if (benefit.activation.state !== 'pending')
        throw new ActivationStateError(benefit.activation.state, 'record');
      const next: Activation = {
        ...benefit.activation,
        state: 'active',
        accessId,
        contractId,
        activatedAt: isoTimestamp(this.clock),
        decidedBy: actorId(by),
      };
      return this.change(tx, by, benefit, offer, 'pending', next, 'activation.activated', {});
    });
  }

  async reject(by: Actor, tenantId: string, benefitId: string, reason: string): Promise<ActivationResult> {
    const trimmed = reason.trim();
    if (trimmed.length < 3 || trimmed.length > 500) {
      throw new ValidationError([{ path: 'reason', reason: 'must be 3–500 characters' }]);
    }
    if (by.kind === 'user') await this.directory.confirmRoles(by); // R2, fresh
    return this.store.transaction(async (tx) => {
      await this.authorise(tx, by);
      const { benefit, offer } = await this.load(tx, tenantId, benefitId);
      if (benefit.activation.state !== 'pending')
        throw new ActivationStateError(benefit.activation.state, 'reject');
      const next: Activation = {
        ...benefit.activation,
        state: 'rejected',
        rejectedReason: trimmed,
        decidedBy: actorId(by),
      };
      return this.change(tx, by, benefit, offer, 'pending', next, 'activation.rejected', { reason: trimmed });
    });
  }

  /** Pending requests of an organisation, oldest first (R8 reminders). */
  pending(tenantId: string): Promise<BenefitView[]> {
    return this.store.read(async (tx) => {
      const [offers, benefits] = await Promise.all([tx.offers.list(tenantId), tx.benefits.list(tenantId)]);
      return offerViews(offers, benefits, isoToday(this.clock))
        .flatMap((o) => o.benefits)
        .filter((b) => b.activationState === 'pending')
        .sort((a, b) => String(a.requestedAt).localeCompare(String(b.requestedAt)));
    });
  }

  /** Users inside the organisation must hold an activating role; the operator's CLI may always record. */
  private async authorise(tx: StoreTx, by: Actor): Promise<void> {
    if (by.kind === 'system') return;
    const { user } = await resolveCaller(tx, by.tenantId, by.aadObjectId);
    requireActivatingRole(user); // R2
  }

  private async load(tx: StoreTx, tenantId: string, benefitId: string) {
    const benefit = await tx.benefits.get(tenantId, benefitId);
    if (!benefit) throw new NotFoundError('benefit', benefitId);
    const offer = (await tx.offers.list(tenantId)).find((o) => o.id === benefit.offerId);
    if (!offer) throw new NotFoundError('offer', benefit.offerId);
    return { benefit, offer };
  }

  private async change(
    tx: StoreTx,
    by: Actor,
    benefit: Benefit,
    offer: MembershipOffer,
    expected: ActivationState,
    next: Activation,
    action: string,
    details: Record<string, unknown>,
  ): Promise<ActivationResult> {
    const now = isoTimestamp(this.clock);
    if (!(await tx.benefits.updateActivation(benefit.tenantId, benefit.id, expected, next))) {
      throw new ActivationStateError(expected, next.state === 'pending' ? 'request' : 'record');
    }
    await tx.audit.append({
      tenantId: benefit.tenantId,
      actor: actorId(by),
      action,
      subject: benefit.id,
      details: { from: expected, to: next.state, ...details },
      at: now,
    });
    await tx.outbox.append(
      benefit.tenantId,
      {
        kind: 'activationChanged',
        benefitId: benefit.id,
        benefitType: benefit.type,
        offerId: benefit.offerId,
        from: expected,
        to: next.state,
        requestedBy: next.requestedBy,
        by: actorId(by),
      },
      now,
    );
    return this.result({ ...benefit, activation: next }, offer, true);
  }

  private result(benefit: Benefit, offer: MembershipOffer, changed: boolean): ActivationResult {
    const today = isoToday(this.clock);
    const [offerView] = offerViews([offer], [benefit], today);
    return { benefit: benefitView(benefit, offer, today), offer: offerView, changed };
  }
}
