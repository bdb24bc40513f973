/**
 * Who hears about an alert. Quota and expiry alerts go to the organisation's support leads
 * (unless they muted them) and to the team channel an admin chose; activation changes go to
 * the requester and the admins; pending reminders to the admins (R2: they can act on them).
 */
import { canActivate } from '../access';
import type { AlertPayload, IsoTimestamp, OutboxAlert } from '../domain/types';
import type { StoredConversationReference, StoreTx } from '../storage/repositories';

export const userRecipient = (aadObjectId: string) => `user:${aadObjectId}`;
export const channelRecipient = (conversationId: string) => `channel:${conversationId}`;

export function parseRecipient(recipient: string): { kind: 'user' | 'channel'; id: string } {
  const i = recipient.indexOf(':');
  return { kind: recipient.slice(0, i) === 'channel' ? 'channel' : 'user', id: recipient.slice(i + 1) };
}

/** Where a recipient is reached: a user's personal chat with the bot, or the channel itself. */
export async function referenceFor(
  tx: StoreTx,
  tenantId: string,
  recipient: string,
): Promise<StoredConversationReference | null> {
  const r = parseRecipient(recipient);
  return r.kind === 'user'
    ? tx.conversations.personalFor(tenantId, r.id)
    : tx.conversations.get(tenantId, r.id);
}

/**
 * A person can now be reached in a personal chat with the bot (they installed it, or wrote to it
 * after removing it): alerts that found no way to them are queued again, to that chat. Called in
 * the unit of work that stores the chat's reference. Returns how many were queued.
 */
export function personalChatOpened(
  tx: StoreTx,
  tenantId: string,
  aadObjectId: string,
  conversationId: string,
  at: IsoTimestamp,
): Promise<number> {
  return tx.deliveries.requeueUnreachable(tenantId, userRecipient(aadObjectId), conversationId, at);
}

/** The people an alert names (who opened the incident, who asked, who decided). */
export function peopleIn(p: AlertPayload): string[] {
  switch (p.kind) {
    case 'quotaThreshold':
      return [p.openedBy];
    case 'activationChanged':
      return [p.requestedBy, p.by].filter((id): id is string => id !== null);
    case 'activationPending':
      return p.requestedBy ? [p.requestedBy] : [];
    case 'benefitExpiring':
      return [];
  }
}

export async function recipientsOf(tx: StoreTx, alert: OutboxAlert): Promise<string[]> {
  const users = await tx.users.list(alert.tenantId);
  const admins = users.filter(canActivate);
  const p = alert.payload;
  const out = new Set<string>();
  switch (p.kind) {
    case 'quotaThreshold':
    case 'benefitExpiring': {
      const muted = await tx.alertSettings.mutedUsers(alert.tenantId);
      for (const u of users) {
        if (u.roles.includes('supportLead') && !muted.has(u.aadObjectId))
          out.add(userRecipient(u.aadObjectId));
      }
      const channel = (await tx.alertSettings.get(alert.tenantId))?.channelConversationId;
      if (channel) out.add(channelRecipient(channel));
      break;
    }
    case 'activationChanged':
      // The person who made the change saw it happen; everyone else concerned is told.
      if (p.requestedBy && p.requestedBy !== p.by) out.add(userRecipient(p.requestedBy));
      for (const a of admins) if (a.aadObjectId !== p.by) out.add(userRecipient(a.aadObjectId));
      break;
    case 'activationPending':
      for (const a of admins) out.add(userRecipient(a.aadObjectId));
      break;
  }
  return [...out];
}
