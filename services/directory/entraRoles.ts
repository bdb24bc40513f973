/**
 * A person's roles (R1) read from their own tenant through Microsoft Graph.
 *
 * - Global admin: `roleManagement/directory/roleAssignments` filtered by the person's object id
 *   (roles assigned to them), and `users/{id}/transitiveMemberOf/microsoft.graph.directoryRole`
 *   (roles held through role-assignable groups). Compared by role template id, which is the same in
 *   every tenant; the role's object id is not.
 * - MPN partner admin, Admin agent, support lead, and "CSP-only account" (R4) are not in Graph:
 *   they are app roles of the bot's own Entra app, assigned by each tenant's admin under Enterprise
 *   applications. Read with `users/{id}/appRoleAssignments?$filter=resourceId eq {bot's service
 *   principal}`: one small answer about this person and this app, which also includes roles given
 *   to groups the person is a direct member of (Entra applies group assignments to direct members
 *   only). The service principal's `appRoleAssignedTo` would list every assignment of the tenant
 *   (hundreds of people) to find one.
 */
import type { AccountAssociation, Role } from '../domain/types';
import { ConsentRequiredError } from '../domain/errors';
import type { Deadline, GraphClient } from './graphClient';

export const GLOBAL_ADMIN_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

/** The app roles defined on the bot's Entra app (manifest/entra-app-roles.json), by value. */
export const APP_ROLE_VALUES: Readonly<Record<string, Role>> = {
  'Benefits.Admin': 'mpnPartnerAdmin',
  'Csp.AdminAgent': 'adminAgent',
  'Support.Lead': 'supportLead',
};
/** R4: an account Partner Center associates only with CSP, not with MPN. */
export const CSP_ONLY_APP_ROLE = 'Account.CspOnly';

export interface PersonAccess {
  roles: Role[];
  association: AccountAssociation;
}

interface ServicePrincipal {
  id: string;
  appRoles: { id: string; value: string | null }[];
}

export class EntraRoles {
  /** The bot's service principal per tenant (its id and app roles change rarely), with when it was read. */
  private readonly principals = new Map<string, { at: number; sp: ServicePrincipal }>();

  constructor(
    private readonly graph: GraphClient,
    private readonly o: {
      clientId: string;
      consentUrl: (tenantId: string) => string;
      cacheMs: number;
      now: () => number;
    },
  ) {}

  /** Throws RoleCheckUnavailableError or ConsentRequiredError; never answers with a guess. */
  async read(tenantId: string, aadObjectId: string): Promise<PersonAccess> {
    const deadline = this.graph.deadline();
    const sp = await this.servicePrincipal(tenantId, deadline);
    const oid = encodeURIComponent(aadObjectId);
    const [assigned, viaGroups, appRoles] = await Promise.all([
      this.graph.list<{
        roleDefinitionId?: string;
        directoryScopeId?: string;
        roleDefinition?: { templateId?: string };
      }>(
        tenantId,
        `/v1.0/roleManagement/directory/roleAssignments?$filter=${q(`principalId eq '${aadObjectId}'`)}&$expand=roleDefinition($select=templateId)`,
        deadline,
      ),
      this.graph.list<{ roleTemplateId?: string }>(
        tenantId,
        `/v1.0/users/${oid}/transitiveMemberOf/microsoft.graph.directoryRole?$select=id,roleTemplateId`,
        deadline,
      ),
      this.graph.list<{ appRoleId?: string; resourceId?: string }>(
        tenantId,
        `/v1.0/users/${oid}/appRoleAssignments?$filter=${q(`resourceId eq ${sp.id}`)}&$select=appRoleId,resourceId`,
        deadline,
      ),
    ]);
    const roles = new Set<Role>();
    const globalAdmin =
      (assigned ?? []).some(
        (a) =>
          (a.roleDefinition?.templateId ?? a.roleDefinitionId)?.toLowerCase() === GLOBAL_ADMIN_TEMPLATE_ID &&
          (a.directoryScopeId ?? '/') === '/',
      ) || (viaGroups ?? []).some((r) => r.roleTemplateId?.toLowerCase() === GLOBAL_ADMIN_TEMPLATE_ID);
    if (globalAdmin) roles.add('globalAdmin');
    let association: AccountAssociation = 'mpn';
    for (const a of appRoles ?? []) {
      if (a.resourceId !== sp.id) continue; // only this app's roles, whatever the filter returned
      const value = sp.appRoles.find((r) => r.id === a.appRoleId)?.value ?? '';
      if (value === CSP_ONLY_APP_ROLE) association = 'cspOnly';
      const role = Object.prototype.hasOwnProperty.call(APP_ROLE_VALUES, value)
        ? APP_ROLE_VALUES[value]
        : null;
      if (role) roles.add(role);
    }
    return { roles: [...roles].sort(), association };
  }

  /** No service principal of the bot in the tenant: nobody there consented to the app. */
  private async servicePrincipal(tenantId: string, deadline: Deadline): Promise<ServicePrincipal> {
    const cached = this.principals.get(tenantId);
    if (cached && this.o.now() - cached.at < this.o.cacheMs) return cached.sp;
    const sp = await this.graph.get<ServicePrincipal>(
      tenantId,
      `/v1.0/servicePrincipals(appId='${encodeURIComponent(this.o.clientId)}')?$select=id,appRoles`,
      deadline,
    );
    if (!sp?.id) throw new ConsentRequiredError(tenantId, this.o.consentUrl(tenantId));
    const clean: ServicePrincipal = {
      id: sp.id,
      appRoles: Array.isArray(sp.appRoles) ? sp.appRoles : [],
    };
    this.principals.set(tenantId, { at: this.o.now(), sp: clean });
    return clean;
  }
}

/** An OData filter value in a query string. */
function q(filter: string): string {
  return encodeURIComponent(filter);
}
