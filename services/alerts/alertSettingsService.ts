/**
 * What a support lead or admin can change about alerts: mute/unmute (support leads), the
 * organisation's thresholds and pending-reminder period, and the team channel that also
 * receives alerts (admins, R2 roles). Identity is tenant + Entra object id, as everywhere.
 */
import { canActivate, resolveCaller, userActor } from '../access';
import { type Clock, isoTimestamp } from '../domain/clock';
import { type FieldProblem, RoleRequiredError, ValidationError } from '../domain/errors';
import {
  DEFAULT_PENDING_REMINDER_DAYS,
  DEFAULT_QUOTA_THRESHOLDS,
  QUOTA_THRESHOLDS,
  actorId,
  type AlertSettings,
  type QuotaThreshold,
} from '../domain/types';
import type { Directory } from '../directory/directory';
import type { Store, StoreTx } from '../storage/repositories';
import type { UserRef } from '../benefits/benefitService';

export interface AlertSettingsView {
  organisationName: string;
  isSupportLead: boolean;
  canConfigure: boolean;
  muted: boolean;
  thresholds: QuotaThreshold[];
  pendingReminderDays: number;
  channelConfigured: boolean;
  /** Support leads who cannot be reached because the bot is not installed for them (shown to admins). */
  unreachableSupportLeads: string[];
}

export class AlertSettingsService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Roles are confirmed with the directory right before every change (Entra: a fresh Graph read). */
    private readonly directory: Pick<Directory, 'confirmRoles'> = { confirmRoles: async () => {} },
  ) {}

  async view(who: UserRef): Promise<AlertSettingsView> {
    return this.store.read(async (tx) => this.viewIn(tx, who));
  }

  async mute(who: UserRef, muted: boolean): Promise<AlertSettingsView> {
    return this.store.transaction(async (tx) => {
      const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      if (!user.roles.includes('supportLead')) throw new RoleRequiredError('muteAlerts', ['R1']);
      const at = isoTimestamp(this.clock);
      await tx.alertSettings.setMuted(who.tenantId, user.aadObjectId, muted, at);
      await tx.audit.append({
        tenantId: who.tenantId,
        actor: actorId(userActor(user)),
        action: muted ? 'alerts.muted' : 'alerts.unmuted',
        subject: user.aadObjectId,
        details: {},
        at,
      });
      return this.viewIn(tx, who);
    });
  }

  /** "Send alerts here": an admin routes the organisation's quota and expiry alerts to a team channel. */
  async routeToChannel(who: UserRef, conversationId: string): Promise<AlertSettingsView> {
    return this.change(who, (s) => ({ ...s, channelConversationId: conversationId }));
  }

  async configure(who: UserRef, input: AlertSettingsInput): Promise<AlertSettingsView> {
    const edit = validated(input);
    return this.change(who, edit);
  }

  /** The operator's path (admin CLI): no Teams user, recorded as a system actor in the audit log. */
  async configureForOrganisation(tenantId: string, input: AlertSettingsInput): Promise<AlertSettings> {
    const edit = validated(input);
    return this.store.transaction((tx) => this.save(tx, tenantId, 'system:admin-cli', edit));
  }

  private async change(who: UserRef, edit: (s: AlertSettings) => AlertSettings): Promise<AlertSettingsView> {
    await this.directory.confirmRoles(who); // R1, R2 as Entra says now
    return this.store.transaction(async (tx) => {
      const { user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
      if (!canActivate(user)) throw new RoleRequiredError('configureAlerts', ['R1', 'R2']);
      await this.save(tx, who.tenantId, actorId(userActor(user)), edit);
      return this.viewIn(tx, who);
    });
  }

  /** Applies an edit to the organisation's settings and records it in the audit log. */
  private async save(
    tx: StoreTx,
    tenantId: string,
    actor: string,
    edit: (s: AlertSettings) => AlertSettings,
  ): Promise<AlertSettings> {
    const before = await settingsOf(tx, tenantId);
    const after = edit(before);
    const at = isoTimestamp(this.clock);
    await tx.alertSettings.save(after, actor, at);
    await tx.audit.append({
      tenantId,
      actor,
      action: 'alerts.settingsChanged',
      subject: tenantId,
      details: { before, after },
      at,
    });
    return after;
  }

  private async viewIn(tx: StoreTx, who: UserRef): Promise<AlertSettingsView> {
    const { organisation, user } = await resolveCaller(tx, who.tenantId, who.aadObjectId);
    const settings = await settingsOf(tx, who.tenantId);
    const muted = await tx.alertSettings.mutedUsers(who.tenantId);
    const admin = canActivate(user);
    return {
      organisationName: organisation.name,
      isSupportLead: user.roles.includes('supportLead'),
      canConfigure: admin,
      muted: muted.has(user.aadObjectId),
      thresholds: settings.thresholds,
      pendingReminderDays: settings.pendingReminderDays,
      channelConfigured: settings.channelConversationId !== null,
      unreachableSupportLeads: admin ? await unreachableSupportLeads(tx, who.tenantId) : [],
    };
  }
}

export async function settingsOf(tx: StoreTx, tenantId: string): Promise<AlertSettings> {
  return (
    (await tx.alertSettings.get(tenantId)) ?? {
      tenantId,
      thresholds: [...DEFAULT_QUOTA_THRESHOLDS],
      pendingReminderDays: DEFAULT_PENDING_REMINDER_DAYS,
      channelConversationId: null,
    }
  );
}

/** Names of support leads alerts cannot reach: they never installed the bot (or removed it). */
export async function unreachableSupportLeads(tx: StoreTx, tenantId: string): Promise<string[]> {
  const reachable = await tx.conversations.usersWithPersonal(tenantId);
  const leads = await tx.users.listWithRole(tenantId, 'supportLead');
  return leads.filter((u) => !reachable.has(u.aadObjectId)).map((u) => u.name);
}

export interface AlertSettingsInput {
  thresholds?: readonly string[];
  pendingReminderDays?: number;
}

function validated(input: AlertSettingsInput): (s: AlertSettings) => AlertSettings {
  const problems: FieldProblem[] = [];
  const thresholds = input.thresholds?.map((t) => t.trim());
  const unknown = thresholds?.filter((t) => !(QUOTA_THRESHOLDS as readonly string[]).includes(t)) ?? [];
  if (unknown.length > 0) {
    problems.push({
      path: 'thresholds',
      reason: `unknown: ${unknown.join(', ')} (use ${QUOTA_THRESHOLDS.join(', ')})`,
    });
  }
  const days = input.pendingReminderDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 60)) {
    problems.push({ path: 'pendingReminderDays', reason: 'a whole number of days from 1 to 60' });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return (s: AlertSettings): AlertSettings => ({
    ...s,
    thresholds: thresholds ? QUOTA_THRESHOLDS.filter((t) => thresholds.includes(t)) : s.thresholds,
    pendingReminderDays: days ?? s.pendingReminderDays,
  });
}
