import { performance } from 'node:perf_hooks';
import { ConsentRequiredError, RoleCheckUnavailableError } from '../domain/errors';
import type { User } from '../domain/types';
import { peopleScope } from '../storage/scopes';
import type { Store } from '../storage/repositories';
import type { Directory, DirectoryLog, PersonProfile, PersonRef } from './directory';
import type { EntraRoles, PersonAccess } from './entraRoles';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** People whose roles this process remembers checking; the oldest are forgotten first. */
const MAX_REMEMBERED = 50_000;

/**
 * Every person of a tenant that has an organisation is known: found on first contact, with name
 * and email from Teams and roles from Entra (EntraRoles). Roles are kept in the users table, so
 * the services read them as they read the file's; they are read again from Graph when older than
 * the cache time, and always right before a privileged action.
 */
export class EntraDirectory implements Directory {
  readonly kind = 'entra';
  /** When this process last read each person's roles from Graph (tenant + object id). */
  private readonly checked = new Map<string, number>();

  constructor(
    private readonly o: {
      store: Store;
      roles: Pick<EntraRoles, 'read'>;
      cacheMs: number;
      log: DirectoryLog;
      /** Monotonic ms (tests move it). */
      now?: () => number;
    },
  ) {}

  async recognise(who: PersonRef, profile: () => Promise<PersonProfile | null>): Promise<boolean> {
    if (!GUID.test(who.tenantId) || !GUID.test(who.aadObjectId)) return false;
    const key = `${who.tenantId}\u0000${who.aadObjectId}`;
    const stored = await this.o.store.readCached(`person\u0000${key}`, [peopleScope(who.tenantId)], (tx) =>
      tx.users.get(who.tenantId, who.aadObjectId),
    );
    const at = this.checked.get(key);
    if (stored && at !== undefined && this.now() - at < this.o.cacheMs) return true;
    let access: PersonAccess | null = null;
    try {
      access = await this.o.roles.read(who.tenantId, who.aadObjectId);
      this.remember(key);
    } catch (err) {
      if (!(err instanceof RoleCheckUnavailableError || err instanceof ConsentRequiredError)) throw err;
      // Ordinary turns go on with the roles already stored (none for a newcomer); privileged actions ask again.
      this.o.log.warn('roles not read from Entra; the stored ones stay', {
        tenantId: who.tenantId,
        aadObjectId: who.aadObjectId,
        code: err.code,
        ...(err instanceof RoleCheckUnavailableError ? { reason: err.reason } : {}),
      });
    }
    if (stored) {
      if (access && changed(stored, access)) await this.save({ ...stored, ...access });
      return true;
    }
    const p = await profile().catch(() => null);
    await this.save({
      tenantId: who.tenantId,
      aadObjectId: who.aadObjectId,
      name: p?.name ?? '',
      email: p?.email ?? p?.userPrincipalName ?? '',
      // A newcomer whose roles could not be read has none; MPN association is the organisation's (R4 marks the exceptions).
      association: access?.association ?? 'mpn',
      roles: access?.roles ?? [],
      locale: null,
    });
    this.o.log.info('person found on first contact', {
      tenantId: who.tenantId,
      aadObjectId: who.aadObjectId,
      rolesRead: access !== null,
    });
    return true;
  }

  async confirmRoles(who: PersonRef): Promise<void> {
    const access = await this.o.roles.read(who.tenantId, who.aadObjectId); // throws: no action on a guess
    const key = `${who.tenantId}\u0000${who.aadObjectId}`;
    this.remember(key);
    const stored = await this.o.store.read((tx) => tx.users.get(who.tenantId, who.aadObjectId));
    if (stored && changed(stored, access)) {
      await this.save({ ...stored, ...access });
      this.o.log.info('roles changed in Entra', {
        tenantId: who.tenantId,
        aadObjectId: who.aadObjectId,
        before: stored.roles,
        after: access.roles,
      });
    }
  }

  private async save(user: User): Promise<void> {
    await this.o.store.transaction(async (tx) => {
      // The organisation may have been removed since the turn began; then there is nobody to store.
      if (await tx.organisations.get(user.tenantId)) await tx.users.save(user);
    });
  }

  private remember(key: string): void {
    this.checked.delete(key); // re-inserted last: the Map's order is the forgetting order
    this.checked.set(key, this.now());
    if (this.checked.size > MAX_REMEMBERED) this.checked.delete(this.checked.keys().next().value as string);
  }

  private now(): number {
    return this.o.now ? this.o.now() : performance.now();
  }
}

function changed(stored: User, access: PersonAccess): boolean {
  return (
    stored.association !== access.association ||
    stored.roles.length !== access.roles.length ||
    access.roles.some((r) => !stored.roles.includes(r))
  );
}
