/** Every word the cards show, in English and Chinese (zh-CN). Facts come from facts.ts. */
import { COMPETENCY_NAMES_ZH, LINKS, NAMES, type Language } from '../services/domain/facts';
import type { BenefitStatus } from '../services/domain/views';
import type { IncidentKind, OfferLevel, Severity, SupportPlan } from '../services/domain/types';

type Text = Record<Language, string>;
const t = (en: string, zh: string): Text => ({ en, zh });

export const S = {
  benefitsTitle: t('Technical support benefits', '技术支持权益'),
  mpnId: t('MPN ID', 'MPN ID'),
  asOf: t('As of', '截至'),
  valid: t('Valid', '有效期'),
  expiredOffer: t('Expired', '已过期'),
  notStarted: t('Not started yet', '尚未开始'),
  status: t('Status', '状态'),
  expires: t('Expires', '到期'),
  incidents: t('Incidents', '事件'),
  cloudCompetency: t('cloud competency', '云能力'),
  otherCompetency: t('other competency', '其他能力'),
  activate: t('Activate', '激活'),
  recordIds: t('Record Access ID and Contract ID', '记录访问 ID 和合同 ID'),
  openIncident: t('Open an incident', '开支持事件'),
  myIncidents: t('My incidents', '我的事件'),
  showBenefits: t('Show benefits', '查看权益'),
  help: t('Help', '帮助'),
  confirm: t('Confirm', '确认'),
  cancel: t('Cancel', '取消'),
  close: t('Close incident', '关闭事件'),
  source: t('Source', '来源'),
  rules: t('Rules', '规则'),
  unlimited: t('Unlimited', '无限制'),
  plan: t('Plan', '支持计划'),
  kind: t('Kind', '类型'),
  product: t('Product', '产品'),
  severity: t('Severity', '严重性'),
  contact: t('Contact', '联系人'),
  opened: t('Opened', '开立时间'),
  closed: t('Closed', '关闭时间'),
  description: t('Description', '描述'),
  requestedAt: t('Requested', '请求时间'),
  activatedAt: t('Activated', '激活时间'),
  reason: t('Reason', '原因'),
  countedAgainst: t('Counted against', '计入'),
  noIncidentUsed: t('No incident is used', '不消耗事件'),
  supportForBusiness: t('Support for Business', '支持企业'),
} as const;

export const STATUS: Record<BenefitStatus, Text> = {
  notActivated: t('Not activated', '未激活'),
  pending: t('Activation pending', '激活待处理'),
  active: t('Active', '已激活'),
  rejected: t('Activation rejected', '激活被拒绝'),
  expired: t('Expired', '已过期'),
  exhausted: t('No incidents left', '无剩余事件'),
};

/** Adaptive Card text colours that carry the status at a glance. */
export const STATUS_COLOR: Record<BenefitStatus, string> = {
  notActivated: 'Warning',
  pending: 'Accent',
  active: 'Good',
  rejected: 'Attention',
  expired: 'Attention',
  exhausted: 'Attention',
};

export const KIND: Record<IncidentKind, Text> = {
  onPremises: t('On-premises product', '本地产品'),
  cloud: t('Cloud product', '云产品'),
  cspAzure: t('Azure for a CSP customer', 'Azure（CSP 客户）'),
};

export const SEVERITY: Record<Severity, Text> = {
  A: t('A – critical', 'A – 严重'),
  B: t('B – high', 'B – 高'),
  C: t('C – moderate', 'C – 中'),
};

export function planName(plan: SupportPlan, lang: Language): string {
  return NAMES[plan][lang];
}

export function levelName(level: OfferLevel, lang: Language): string {
  return NAMES[level][lang];
}

/** "12 of 20 left", "Unlimited (4 used)". */
export function remainingLabel(total: number | null, used: number, lang: Language): string {
  if (total === null) return lang === 'zh' ? `无限制（已用 ${used} 个）` : `Unlimited (${used} used)`;
  const left = total - used;
  return lang === 'zh' ? `剩余 ${left} 个（共 ${total} 个）` : `${left} of ${total} left`;
}

export function offerLabel(
  offer: { level: OfferLevel; competency: string | null; competencyClass: 'cloud' | 'other' | null },
  lang: Language,
): string {
  const level = levelName(offer.level, lang);
  if (!offer.competency) return level;
  const competency =
    lang === 'zh' ? (COMPETENCY_NAMES_ZH[offer.competency] ?? offer.competency) : offer.competency;
  const cls = offer.competencyClass === 'cloud' ? S.cloudCompetency[lang] : S.otherCompetency[lang];
  return lang === 'zh' ? `${level}：${competency}（${cls}）` : `${level}: ${competency} (${cls})`;
}

/** Dates stay YYYY-MM-DD in both languages; timestamps are cut to the minute, in UTC. */
export function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '';
}

/**
 * The footer every answer ends with: the article it comes from, as a link (Markdown, which Teams
 * renders in messages and in card text). The rules an answer applies stay in code and logs: a
 * rule number means nothing to a partner.
 */
export function sourceLine(lang: Language, source: string, _rules: string | readonly string[] = []): string {
  const link = `[${source}](${LINKS.sourceArticle})`;
  return lang === 'zh' ? `${S.source.zh}：${link}` : `${S.source.en}: ${link}`;
}
