/**
 * Where the people of a partner organisation and their roles come from: the organisation file
 * (FileDirectory) or the organisation's own Microsoft Entra ID through Microsoft Graph
 * (EntraDirectory). The services decide what roles allow (services/access.ts); a directory only
 * says who someone is and what roles they hold, and keeps that in the users table.
 */

/** A person as the activity names them: tenant and Entra object id, both lower case. */
export interface PersonRef {
  tenantId: string;
  aadObjectId: string;
}

/** What Teams says about a person (TeamsInfo.getMember), asked only on first contact. */
export interface PersonProfile {
  name: string;
  email: string | null;
  userPrincipalName: string | null;
}

/** The directory's few words to the operator's log (the bot's logger fits). */
export interface DirectoryLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface Directory {
  readonly kind: 'file' | 'entra';
  /**
   * Whether the bot knows this person of an organisation it serves. From the file: listed or not.
   * From Entra: every person of the tenant is known; the first contact stores them, with the roles
   * Graph gives (none while Graph fails: a role is never granted on an error).
   */
  recognise(who: PersonRef, profile: () => Promise<PersonProfile | null>): Promise<boolean>;
  /**
   * Right before a privileged action (activate, record IDs, alert channel, alert settings): the
   * person's roles as they are now, stored where the action reads them. From Entra this always asks
   * Graph; throws RoleCheckUnavailableError or ConsentRequiredError when it cannot.
   */
  confirmRoles(who: PersonRef): Promise<void>;
}
