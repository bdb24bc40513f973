import { randomBytes, randomUUID } from 'node:crypto';
import { type Clock, isoTimestamp, isoToday } from '../domain/clock';
import {
  NotAuthorizedError,
  NotFoundError,
  QuotaExceededError,
  RoleRequiredError,
  ValidationError,
} from '../domain/errors';
import {
  type Benefit,
  type Incident,
  type IncidentKind,
  type MembershipOffer,
  type User,
} from '../domain/types';
import type { IncidentView } from '../domain/views';
import { hasAnyRole, oversees, requireMpnAccount, resolveCaller } from '../access';
import { settingsOf } from '../alerts/alertSettingsService';
import type { UserRef } from '../benefits/benefitService';
import { remaining } from '../benefits/entitlements';
import { DuplicateIdempotencyKeyError, type Store, type StoreTx } from '../storage/repositories';
import { chooseBenefit, crossedThresholds } from './selection';
import { incidentInputProblems, type OpenIncidentInput } from './validation';

/** The benefit an incident of a given kind would be counted against, before it is opened. */
export interface IncidentEligibility {
  kind: IncidentKind;
  plan: Incident['plan'];
  benefitId: string | null;
  /** null = unlimited, or no incident consumed (R16). */
  remaining: number | null;
  expiresOn: string | null;
  /** The caller's own name and email, offered as the incident contact. */
  contact: { name: string; email: string };
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Short, readable incident ids people can type: INC-XXXXXXXX. */
export function newIncidentId(): string {
  const bytes = randomBytes(8);
  return `INC-${Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

/** Opening, listing, showing and closing support incidents (R3, R4, R7, R11, R13, R14, R16). */
export class IncidentService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Checks, without consuming anything, whether the user may open an incident of this kind now. */
  eligibility(who: UserRef, kind: IncidentKind): Promise<IncidentEligibility> {
    return this.store.read(async (tx) => {
      const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      const contact = { name: user.name, email: user.email };
      if (kind === 'cspAzure') {
        requireCspAzureAllowed(user);
        return {
          kind,
          plan: 'cloudSolutionProvider',
          benefitId: null,
          remaining: null,
          expiresOn: null,
          contact,
        };
      }
      requireMpnAccount(user); // R4
      const { benefit, offer } = await this.choose(tx, who.tenantId, kind);
      return {
        kind,
        plan: benefit.type,
        benefitId: benefit.id,
        remaining: remaining(benefit),
        expiresOn: offer.expiresOn,
        contact,
      };
    });
  }

  /**
   * Opens an incident. The quota check, the decrement, the insert, the audit row and any
   * alert rows are one transaction; a repeated idempotency key returns the first incident.
   */
  async open(who: UserRef, input: OpenIncidentInput): Promise<IncidentView> {
    const problems = incidentInputProblems(input);
    if (problems.length) throw new ValidationError(problems);
    const key = input.idempotencyKey ?? randomUUID();
    try {
      return await this.store.transaction((tx) => this.openIn(tx, who, input, key));
    } catch (err) {
      // Another instance inserted the same key between our check and our insert (PostgreSQL);
      // the loser's transaction is rolled back, so nothing was consumed: return the winner's.
      if (err instanceof DuplicateIdempotencyKeyError) {
        const first = await this.store.read((tx) => tx.incidents.getByIdempotencyKey(who.tenantId, key));
        if (first) return { ...first, replayed: true };
      }
      throw err;
    }
  }

  /**
   * The incident the caller opened with this idempotency key, as a replay; null when none was, or
   * when someone else did (a copied card must not show another person's incident).
   */
  async openedBy(who: UserRef, idempotencyKey: string): Promise<IncidentView | null> {
    const first = await this.store.read((tx) =>
      tx.incidents.getByIdempotencyKey(who.tenantId, idempotencyKey),
    );
    return first && first.openedBy === who.aadObjectId ? { ...first, replayed: true } : null;
  }

  list(who: UserRef, scope: 'mine' | 'organisation'): Promise<Incident[]> {
    return this.store.read(async (tx) => {
      const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      if (scope === 'organisation') {
        if (!oversees(user)) throw new RoleRequiredError('listOrganisationIncidents', ['R1']);
        return tx.incidents.list(who.tenantId);
      }
      return tx.incidents.list(who.tenantId, { openedBy: user.aadObjectId });
    });
  }

  /** Everything, for the operator's CLI export. */
  listAll(tenantId: string): Promise<Incident[]> {
    return this.store.read((tx) => tx.incidents.list(tenantId));
  }

  show(who: UserRef, incidentId: string): Promise<Incident> {
    return this.store.read(async (tx) => {
      const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      const incident = await tx.incidents.get(who.tenantId, normaliseIncidentId(incidentId));
      // Not found and not yours look the same, so ids of other people's incidents do not leak.
      if (!incident || (incident.openedBy !== user.aadObjectId && !oversees(user))) {
        throw new NotFoundError('incident', incidentId);
      }
      return incident;
    });
  }

  /** The creator or an admin closes an incident; closing twice is harmless. No incident is refunded. */
  close(who: UserRef, incidentId: string): Promise<Incident> {
    return this.store.transaction(async (tx) => {
      const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      const id = normaliseIncidentId(incidentId);
      const incident = await tx.incidents.get(who.tenantId, id);
      if (!incident || (incident.openedBy !== user.aadObjectId && !oversees(user))) {
        throw new NotFoundError('incident', incidentId);
      }
      if (incident.openedBy !== user.aadObjectId && !hasAnyRole(user, ['globalAdmin', 'mpnPartnerAdmin'])) {
        throw new RoleRequiredError('closeIncident', ['R1']);
      }
      if (incident.state === 'closed') return incident;
      const now = isoTimestamp(this.clock);
      await tx.incidents.close(who.tenantId, id, user.aadObjectId, now);
      await tx.audit.append({
        tenantId: who.tenantId,
        actor: user.aadObjectId,
        action: 'incident.closed',
        subject: id,
        details: {},
        at: now,
      });
      return { ...incident, state: 'closed', closedBy: user.aadObjectId, closedAt: now };
    });
  }

  private async choose(tx: StoreTx, tenantId: string, kind: 'onPremises' | 'cloud', benefitId?: string) {
    const [offers, benefits] = await Promise.all([tx.offers.list(tenantId), tx.benefits.list(tenantId)]);
    return chooseBenefit(kind, offers, benefits, isoToday(this.clock), benefitId);
  }

  private async openIn(
    tx: StoreTx,
    who: UserRef,
    input: OpenIncidentInput,
    key: string,
  ): Promise<IncidentView> {
    const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
    const first = await tx.incidents.getByIdempotencyKey(who.tenantId, key);
    if (first) return { ...first, replayed: true };

    const now = isoTimestamp(this.clock);
    let chosen: { benefit: Benefit; offer: MembershipOffer } | null = null;
    let usedAfter: number | null = null;
    if (input.kind === 'cspAzure') {
      requireCspAzureAllowed(user); // R3, R16: no support contract, no incident consumed
    } else {
      requireMpnAccount(user); // R4
      chosen = await this.choose(tx, who.tenantId, input.kind, input.benefitId); // R7, R11, R13, R14
      const counts = await tx.benefits.consumeIncident(who.tenantId, chosen.benefit.id);
      // Under SQLite's write lock the choice above is current; on a server database another
      // instance may have taken the last incident since: the conditional update decides (R11).
      if (!counts) throw new QuotaExceededError(chosen.benefit.type, chosen.benefit.total ?? 0);
      usedAfter = counts.used;
    }

    const incident: Incident = {
      id: newIncidentId(),
      tenantId: who.tenantId,
      benefitId: chosen ? chosen.benefit.id : null,
      plan: chosen ? chosen.benefit.type : 'cloudSolutionProvider',
      kind: input.kind,
      product: input.product.trim(),
      title: input.title.trim(),
      description: input.description.trim(),
      severity: input.severity,
      contact: {
        name: input.contact.name.trim(),
        email: input.contact.email.trim(),
        phone: input.contact.phone?.trim() || null,
      },
      state: 'open',
      openedBy: user.aadObjectId,
      openedAt: now,
      closedBy: null,
      closedAt: null,
      idempotencyKey: key,
    };
    await tx.incidents.insert(incident);
    await tx.audit.append({
      tenantId: who.tenantId,
      actor: user.aadObjectId,
      action: 'incident.opened',
      subject: incident.id,
      details: { benefitId: incident.benefitId, plan: incident.plan, used: usedAfter },
      at: now,
    });
    const total = chosen?.benefit.total ?? null;
    if (chosen && total !== null && usedAfter !== null) {
      // Thresholds are the organisation's own when an admin set them (alert settings).
      const { thresholds } = await settingsOf(tx, who.tenantId);
      for (const threshold of crossedThresholds(usedAfter - 1, usedAfter, total, thresholds)) {
        await tx.outbox.append(
          who.tenantId,
          {
            kind: 'quotaThreshold',
            threshold,
            benefitId: chosen.benefit.id,
            benefitType: chosen.benefit.type,
            offerId: chosen.offer.id,
            total,
            used: usedAfter,
            remaining: total - usedAfter,
            incidentId: incident.id,
            openedBy: user.aadObjectId,
          },
          now,
        );
      }
    }
    return { ...incident, replayed: false };
  }
}

/** R3, R16: Azure requests for CSP customers are made by Admin agents, MPN-associated or CSP-only. */
function requireCspAzureAllowed(user: User): void {
  if (user.association === 'none') throw new NotAuthorizedError(user.association);
  if (!hasAnyRole(user, ['adminAgent'])) throw new RoleRequiredError('cspAzureRequest', ['R3']);
}

/** People type "inc-7k2q9xma" or "7K2Q9XMA"; ids are stored upper-case with the prefix. */
export function normaliseIncidentId(raw: string): string {
  const id = raw.trim().toUpperCase();
  return id.startsWith('INC-') ? id : `INC-${id}`;
}
