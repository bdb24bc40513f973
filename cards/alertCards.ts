/** The proactive alert card: what happened to which benefit, the numbers, and a way to the benefits card. */
import type { AlertSettingsView } from '../services/alerts/alertSettingsService';
import { NAMES, type Language } from '../services/domain/facts';
import {
  QUOTA_THRESHOLDS,
  type AlertPayload,
  type MembershipOffer,
  type QuotaThreshold,
} from '../services/domain/types';
import { execute } from './actions';
import type { CardRenderer } from './render';
import { offerLabel, S } from './strings';
import settingsTemplate from './templates/alertSettings.json';
import messageTemplate from './templates/message.json';
import type { AdaptiveCard } from './types';
import { VERBS } from './verbs';

export interface AlertCardView {
  payload: AlertPayload;
  organisationName: string;
  offer: Pick<MembershipOffer, 'level' | 'competency' | 'competencyClass'> | null;
  /** Display names by Entra object id. */
  names: Record<string, string>;
}

const THRESHOLD: Record<QuotaThreshold, Record<Language, string>> = {
  half: { en: 'Half of the incidents are used', zh: '事件已用一半' },
  eightyPercent: { en: '80% of the incidents are used', zh: '事件已用 80%' },
  oneLeft: { en: 'One incident left', zh: '仅剩 1 个事件' },
  exhausted: { en: 'No incidents left', zh: '事件已用完' },
};

const STATE: Record<string, Record<Language, string>> = {
  notActivated: { en: 'not activated', zh: '未激活' },
  pending: { en: 'pending', zh: '待处理' },
  active: { en: 'active', zh: '已激活' },
  rejected: { en: 'rejected', zh: '已拒绝' },
};

export function alertCard(r: CardRenderer, view: AlertCardView, lang: Language): AdaptiveCard {
  const zh = lang === 'zh';
  const p = view.payload;
  const benefit = NAMES[p.benefitType][lang];
  const offer = view.offer ? offerLabel(view.offer, lang) : '';
  const name = (id: string | null) => (id ? (view.names[id] ?? id) : '');
  const facts: { title: string; value: string }[] = [
    { title: zh ? '权益' : 'Benefit', value: benefit },
    { title: zh ? '会员资格' : 'Membership', value: offer },
  ];
  let title: string;
  let color = 'Attention';
  const paragraphs: string[] = [];
  switch (p.kind) {
    case 'quotaThreshold':
      title = `${THRESHOLD[p.threshold][lang]}${zh ? '：' : ': '}${benefit}`;
      color = p.threshold === 'half' ? 'Warning' : 'Attention';
      facts.push(
        { title: zh ? '已用' : 'Used', value: `${p.used} / ${p.total}` },
        {
          title: zh ? '剩余' : 'Remaining',
          value: zh ? `剩余 ${p.remaining} 个` : `${p.remaining} of ${p.total} left`,
        },
        { title: zh ? '事件' : 'Incident', value: `${p.incidentId} (${name(p.openedBy)})` },
      );
      paragraphs.push(
        p.remaining === 0
          ? zh
            ? '新的支持事件将被拒绝，直到权益续订。'
            : 'New support incidents will be refused until the benefit is renewed.'
          : zh
            ? `此事件由 ${name(p.openedBy)} 开立。`
            : `${name(p.openedBy)} opened this incident.`,
      );
      break;
    case 'benefitExpiring':
      title = zh ? `${benefit}将在 ${p.daysLeft} 天后到期` : `${benefit} expires in ${p.daysLeft} days`;
      color = p.windowDays <= 7 ? 'Attention' : 'Warning';
      facts.push({ title: S.expires[lang], value: p.expiresOn });
      paragraphs.push(
        zh
          ? '到期后未使用的事件将失效。请在到期前续订会员资格。'
          : 'Incidents left unused lapse at expiry. Renew the membership before then.',
      );
      break;
    case 'activationChanged':
      title = zh
        ? `激活状态：${STATE[p.to]?.zh ?? p.to}：${benefit}`
        : `Activation ${STATE[p.to]?.en ?? p.to}: ${benefit}`;
      color = p.to === 'active' ? 'Good' : p.to === 'rejected' ? 'Attention' : 'Default';
      facts.push(
        { title: zh ? '之前' : 'Was', value: STATE[p.from]?.[lang] ?? p.from },
        { title: zh ? '现在' : 'Now', value: STATE[p.to]?.[lang] ?? p.to },
        { title: zh ? '操作者' : 'By', value: name(p.by) },
      );
      if (p.to === 'pending') {
        paragraphs.push(zh ? '激活需要几天时间。' : 'Activation takes a few days.');
      }
      break;
    case 'activationPending':
      title = zh
        ? `激活仍在处理中（${p.daysPending} 天）：${benefit}`
        : `Activation still pending after ${p.daysPending} days: ${benefit}`;
      color = 'Warning';
      facts.push({
        title: zh ? '申请人' : 'Requested by',
        value: `${name(p.requestedBy)} (${p.requestedAt.slice(0, 10)})`,
      });
      paragraphs.push(
        zh
          ? '激活通常需要几天。若 Microsoft 已发放访问 ID 和合同 ID，请在权益卡片中记录它们。'
          : 'Activation usually takes a few days. If Microsoft has issued the Access ID and Contract ID, record them from the benefits card.',
      );
      break;
  }
  return r.expand(messageTemplate, {
    title,
    titleColor: color,
    subtitle: view.organisationName,
    paragraphs,
    facts,
    bullets: [],
    footer: zh
      ? '合作伙伴支持提醒 · 说“静音提醒”可停止配额提醒'
      : 'Partner support alert · say "mute alerts" to stop quota alerts',
    actions: [
      execute(VERBS.showBenefits, S.showBenefits[lang]),
      execute(VERBS.showAlertSettings, zh ? '提醒设置' : 'Alert settings'),
    ],
  });
}

const THRESHOLD_SHORT: Record<QuotaThreshold, Record<Language, string>> = {
  half: { en: '50% used', zh: '已用 50%' },
  eightyPercent: { en: '80% used', zh: '已用 80%' },
  oneLeft: { en: 'one left', zh: '剩 1 个' },
  exhausted: { en: 'none left', zh: '用完' },
};

/** A support lead's or admin's alert settings, with what just changed as the title. */
export function alertSettingsCard(
  r: CardRenderer,
  view: AlertSettingsView,
  lang: Language,
  headline?: string,
): AdaptiveCard {
  const zh = lang === 'zh';
  const facts = [
    {
      title: zh ? '配额提醒' : 'Quota alerts',
      value: !view.isSupportLead
        ? zh
          ? '仅发送给支持主管'
          : 'sent to support leads only'
        : view.muted
          ? zh
            ? '已静音'
            : 'muted'
          : zh
            ? '开启（个人聊天）'
            : 'on (personal chat)',
    },
    {
      title: zh ? '阈值' : 'Thresholds',
      value: view.thresholds.map((t) => THRESHOLD_SHORT[t][lang]).join(', '),
    },
    {
      title: zh ? '到期提醒' : 'Expiry alerts',
      value: zh ? '到期前 30 天和 7 天' : '30 and 7 days before expiry',
    },
    {
      title: zh ? '待处理激活提醒' : 'Pending activation reminder',
      value: zh
        ? `每 ${view.pendingReminderDays} 天（管理员）`
        : `every ${view.pendingReminderDays} days (admins)`,
    },
    {
      title: zh ? '团队频道' : 'Team channel',
      value: view.channelConfigured ? (zh ? '已设置' : 'set') : zh ? '未设置' : 'not set',
    },
  ];
  const bullets = view.unreachableSupportLeads.map((n) =>
    zh
      ? `${n} 尚未安装此机器人，提醒无法送达。`
      : `${n} has not installed the bot: alerts cannot reach them.`,
  );
  const paragraphs = [
    view.isSupportLead
      ? zh
        ? '说“静音提醒”或“恢复提醒”来更改。'
        : 'Say "mute alerts" or "unmute alerts" to change this.'
      : '',
    view.canConfigure
      ? zh
        ? '管理员可在团队频道中说“在此发送提醒”。'
        : 'Admins can say "send alerts here" in a team channel to post alerts there too.'
      : '',
  ].filter(Boolean);
  const form = view.canConfigure;
  return r.expand(settingsTemplate, {
    title: headline ?? (zh ? '提醒设置' : 'Alert settings'),
    subtitle: view.organisationName,
    paragraphs,
    facts,
    bullets,
    showForm: form,
    formTitle: zh ? '组织的提醒（管理员）' : "The organisation's alerts (admins)",
    thresholdsLabel: zh ? '何时发送配额提醒' : 'Send a quota alert when a benefit reaches',
    thresholdsValue: view.thresholds.join(','),
    thresholdChoices: QUOTA_THRESHOLDS.map((t) => ({ title: THRESHOLD_SHORT[t][lang], value: t })),
    reminderLabel: zh ? '激活待处理多少天后提醒管理员' : 'Remind admins of a pending activation after (days)',
    pendingReminderDays: view.pendingReminderDays,
    reminderError: zh ? '1 到 60 之间的整数' : 'A whole number from 1 to 60',
    actions: [
      ...(form ? [execute(VERBS.saveAlertSettings, zh ? '保存' : 'Save', {}, { style: 'positive' })] : []),
      execute(VERBS.showBenefits, S.showBenefits[lang], {}, { inputs: false }),
    ],
  });
}
