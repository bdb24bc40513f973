/**
 * Who hears about an alert. Quota and expiry alerts go to the organisation's support leads
 * (unless they muted them) and to the team channel an admin chose; activation changes go to
 * the requester and the admins; pending reminders to the admins (R2: they can act on them).
 */
import { ACTIVATING_ROLES } from '../domain/facts';
import type { OutboxAlert } from '../domain/types';
import type { StoreTx } from '../storage/repositories';

export const userRecipient = (aadObjectId: string) => `user:${aadObjectId}`;
export const channelRecipient = (conversationId: string) => `channel:${conversationId}`;

export function parseRecipient(recipient: string): { kind: 'user' | 'channel'; id: string } {
  const i = recipient.indexOf(':');
  return { kind: recipient.slice(0, i) === 'channel' ? 'channel' : 'user', id: recipient.slice(i + 1) };
}

export async function recipientsOf(tx: StoreTx, alert: OutboxAlert): Promise<string[]> {
  const users = await tx.users.list(alert.tenantId);
  const admins = users.filter(
    (u) => u.association === 'mpn' && u.roles.some((r) => ACTIVATING_ROLES.includes(r)),
  );
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
