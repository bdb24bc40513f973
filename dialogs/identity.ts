import type { Activity } from 'botbuilder';
import type { UserRef } from '../services/benefits/benefitService';

/** The Teams tenant of an activity: Teams puts it on the conversation and in channelData. */
export function tenantIdOf(activity: Partial<Activity>): string | null {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const id = activity.conversation?.tenantId ?? channelData?.tenant?.id;
  return typeof id === 'string' && id ? id.toLowerCase() : null;
}

/**
 * Who is speaking: only the tenant and the Entra object id Teams puts on the activity.
 * Card data is never used for identity or roles.
 */
export function userRefOf(activity: Partial<Activity>): UserRef | null {
  const tenantId = tenantIdOf(activity);
  const aadObjectId = activity.from?.aadObjectId;
  if (!tenantId || typeof aadObjectId !== 'string' || !aadObjectId) return null;
  return { tenantId, aadObjectId: aadObjectId.toLowerCase() };
}
