/**
 * Who is asking, and what their account and roles allow. Every use case starts here, so the
 * bot can never widen access by what a card submits: identity is tenant + Entra object id.
 */
import { ACTIVATING_ROLES } from './domain/facts';
import {
  NotAuthorizedError,
  RoleRequiredError,
  UnknownOrganisationError,
  UnknownUserError,
} from './domain/errors';
import type { Actor, Organisation, Role, User } from './domain/types';
import type { StoreTx } from './storage/repositories';

export interface Caller {
  organisation: Organisation;
  user: User;
}

export async function resolveCaller(tx: StoreTx, tenantId: string, aadObjectId: string): Promise<Caller> {
  const organisation = await tx.organisations.get(tenantId);
  if (!organisation) throw new UnknownOrganisationError(tenantId);
  const user = await tx.users.get(tenantId, aadObjectId);
  if (!user) throw new UnknownUserError(tenantId, aadObjectId); // R6: maybe signed in with another account
  return { organisation, user };
}

/** R4: only MPN-associated accounts may see or use MPN benefits. */
export function requireMpnAccount(user: User): void {
  if (user.association !== 'mpn') throw new NotAuthorizedError(user.association);
}

export function hasAnyRole(user: User, roles: readonly Role[]): boolean {
  return user.roles.some((r) => roles.includes(r));
}

/** R2: Global admin or MPN partner admin. */
export function canActivate(user: User): boolean {
  return user.association === 'mpn' && hasAnyRole(user, ACTIVATING_ROLES);
}

export function requireActivatingRole(user: User): void {
  requireMpnAccount(user); // R4 first: a CSP-only admin is not authorized at all
  if (!hasAnyRole(user, ACTIVATING_ROLES)) throw new RoleRequiredError('activate', ['R2']);
}

/** Admins and support leads oversee the organisation's incidents. */
export function oversees(user: User): boolean {
  return hasAnyRole(user, ['globalAdmin', 'mpnPartnerAdmin', 'supportLead']);
}

export function userActor(user: User): Actor {
  return { kind: 'user', tenantId: user.tenantId, aadObjectId: user.aadObjectId };
}
