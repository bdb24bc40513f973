/**
 * Time-driven alerts, written to the outbox once each (a dedupe key per benefit, date and
 * window): a benefit whose offer expires within 30 days, then within 7 days (R14), and a
 * reminder to admins for an activation still pending after the organisation's reminder
 * period, repeated every period (R8 says "a few days").
 */
import { isExpired, daysToExpiry } from '../benefits/entitlements';
import { type Clock, isoTimestamp, isoToday } from '../domain/clock';
import {
  DEFAULT_PENDING_REMINDER_DAYS,
  EXPIRY_ALERT_WINDOWS_DAYS,
  type ScheduledAlertPayload,
} from '../domain/types';
import type { Store } from '../storage/repositories';

const DAY_MS = 86_400_000;

/** Writes the alerts that are due now; returns how many were new. */
export async function scanScheduledAlerts(store: Store, clock: Clock): Promise<number> {
  const today = isoToday(clock);
  const now = isoTimestamp(clock);
  const windows = [...EXPIRY_ALERT_WINDOWS_DAYS].sort((a, b) => a - b);
  return store.transaction(async (tx) => {
    let written = 0;
    for (const org of await tx.organisations.list()) {
      const offers = new Map((await tx.offers.list(org.tenantId)).map((o) => [o.id, o]));
      const settings = await tx.alertSettings.get(org.tenantId);
      const reminderDays = settings?.pendingReminderDays ?? DEFAULT_PENDING_REMINDER_DAYS;
      for (const benefit of await tx.benefits.list(org.tenantId)) {
        const offer = offers.get(benefit.offerId);
        if (!offer || isExpired(offer, today)) continue;
        const base = { benefitId: benefit.id, benefitType: benefit.type, offerId: offer.id };
        const alerts: [string, ScheduledAlertPayload][] = [];
        if (benefit.activation.state === 'active') {
          const daysLeft = daysToExpiry(offer, today);
          // Only the narrowest window that applies: a first scan 5 days before expiry says "7 days", once.
          const window = windows.find((w) => daysLeft <= w);
          if (window !== undefined) {
            alerts.push([
              `expiry:${benefit.id}:${offer.expiresOn}:${window}`,
              { kind: 'benefitExpiring', ...base, expiresOn: offer.expiresOn, windowDays: window, daysLeft },
            ]);
          }
        }
        const requestedAt = benefit.activation.requestedAt;
        if (benefit.activation.state === 'pending' && requestedAt) {
          const daysPending = Math.floor((clock.now().getTime() - Date.parse(requestedAt)) / DAY_MS);
          if (reminderDays > 0 && daysPending >= reminderDays) {
            const period = Math.floor(daysPending / reminderDays);
            alerts.push([
              `pending:${benefit.id}:${requestedAt}:${period}`,
              {
                kind: 'activationPending',
                ...base,
                requestedBy: benefit.activation.requestedBy,
                requestedAt,
                daysPending,
              },
            ]);
          }
        }
        for (const [key, payload] of alerts) {
          if (await tx.outbox.appendOnce(org.tenantId, key, payload, now)) written++;
        }
      }
    }
    return written;
  });
}
