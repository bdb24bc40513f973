import type { Store } from '../storage/repositories';
import { peopleScope } from '../storage/scopes';
import type { Directory, PersonRef } from './directory';

/** People and roles as the organisation file lists them (the default; imports change them). */
export class FileDirectory implements Directory {
  readonly kind = 'file';

  constructor(private readonly store: Store) {}

  /** A cached read: the answer changes only when an import changes the database. */
  recognise(who: PersonRef): Promise<boolean> {
    return this.store.readCached(
      `served\u0000${who.tenantId}\u0000${who.aadObjectId}`,
      [peopleScope(who.tenantId)],
      async (tx) => Boolean(await tx.users.get(who.tenantId, who.aadObjectId)),
    );
  }

  /** The file is the truth, and the action reads it inside its own transaction. */
  async confirmRoles(): Promise<void> {}
}
