import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { tenantIdOf } from '../dialogs/identity';
import type { Directory } from '../services/directory/directory';
import { UnknownOrganisationError, UnknownUserError } from '../services/domain/errors';
import type { Store } from '../services/storage/repositories';
import { peopleScope } from '../services/storage/scopes';
import { scopeOf } from './conversationReferences';
import type { Logger } from './logger';
import { teamsProfile } from './teamsProfile';

/**
 * Whom the bot serves: a tenant with a partner organisation and, for what people send, a person
 * that organisation knows. Only their turns may store anything (dialog state, conversation
 * references); everyone else still gets their answer ("your organisation is not set up"), but
 * a stranger's turn leaves no row behind.
 */
export type SenderVerdict = 'served' | 'unknownTenant' | 'unknownPerson';

const VERDICT = Symbol('servedSender');

/**
 * Teams' membership and installation events in a team or group chat: the person who installed
 * the bot need not be known, the channel's reference is what channel alerts need.
 */
const TENANT_ONLY = new Set<string>([ActivityTypes.ConversationUpdate, ActivityTypes.InstallationUpdate]);

export class ServedSenders implements Middleware {
  constructor(
    private readonly store: Store,
    /** Whether a person is known: listed in the organisation file, or (Entra) found on first contact. */
    private readonly directory: Directory,
    private readonly logger: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.turnState.set(VERDICT, await this.verdict(context));
    await next();
  }

  /** Cached reads: the organisation changes only when an import changes the database. */
  private async verdict(context: TurnContext): Promise<SenderVerdict> {
    const activity = context.activity;
    const tenantId = tenantIdOf(activity);
    if (!tenantId) return 'unknownTenant';
    const aad = activity.from?.aadObjectId;
    const aadObjectId = typeof aad === 'string' && aad ? aad.toLowerCase() : null;
    const tenantOnly = TENANT_ONLY.has(activity.type) && scopeOf(activity) !== 'personal';
    if (!tenantOnly && !aadObjectId) return 'unknownPerson';
    const organisation = await this.store.readCached(
      `served\u0000${tenantId}`,
      [peopleScope(tenantId)],
      async (tx) => Boolean(await tx.organisations.get(tenantId)),
    );
    if (!organisation) return 'unknownTenant';
    if (tenantOnly) return 'served';
    const known = await this.directory.recognise({ tenantId, aadObjectId: aadObjectId! }, () =>
      teamsProfile(context, this.logger),
    );
    return known ? 'served' : 'unknownPerson';
  }
}

/** Whether this turn's sender is served; false when the middleware did not run (nothing is stored then). */
export function isServed(context: TurnContext): boolean {
  return context.turnState.get(VERDICT) === 'served';
}

/** The refusal a stranger gets, so that a dialog does not start (its state would not be kept). */
export function strangerRefusal(context: TurnContext): Error | null {
  const verdict = context.turnState.get(VERDICT) as SenderVerdict | undefined;
  const tenantId = tenantIdOf(context.activity) ?? '';
  if (verdict === 'unknownTenant') return new UnknownOrganisationError(tenantId);
  if (verdict === 'unknownPerson')
    return new UnknownUserError(tenantId, String(context.activity.from?.aadObjectId ?? ''));
  return null;
}
