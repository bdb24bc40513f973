/** What the dialogs say, in English and Chinese (zh-CN). Facts come from services/domain/facts.ts. */
import { COMPETENCY_NAMES_ZH, MESSAGES, NAMES, type Language } from '../services/domain/facts';
import { INCIDENT_TEXT_LIMITS as L } from '../services/incidents/validation';

type Text = Record<Language, string>;
const t = (en: string, zh: string): Text => ({ en, zh });

export const PROMPTS = {
  chooseBenefitToActivate: t('Which benefit should be activated?', '要激活哪项权益？'),
  nothingToActivate: t(
    'Every benefit is already active or waiting for Microsoft to process the request. Say "benefits" to see their status.',
    '所有权益都已激活或正在等待 Microsoft 处理请求。输入“权益”查看状态。',
  ),
  confirmActivation: (benefit: string): Text =>
    t(
      `Request activation of ${benefit}? ${MESSAGES.allowFewDays.en}`,
      `请求激活 ${benefit}？${MESSAGES.allowFewDays.zh}`,
    ),
  activationCancelled: t('OK, nothing was requested.', '好的，未提交任何请求。'),
  incidentKind: t('What is the problem about?', '问题涉及哪类产品？'),
  kindOnPremises: t('On-premises product', '本地产品'),
  kindCloud: t('Cloud product', '云产品'),
  kindCspAzure: t('Azure, for a CSP customer', 'Azure（CSP 客户）'),
  /** The kind read from the request itself ("our Azure tenant is down, open a case"). */
  kindTaken: (kind: string): Text => t(`${kind}, as you said.`, `按你所说：${kind}。`),
  /** A product typed where the kind was asked: both taken from it. */
  productTaken: (product: string, kind: string): Text =>
    t(`Product: ${product} (${kind}).`, `产品：${product}（${kind}）。`),
  countedAgainst: (benefit: string, remaining: string): Text =>
    t(
      `This incident will be counted against ${benefit} (${remaining}).`,
      `此事件将计入 ${benefit}（${remaining}）。`,
    ),
  noIncidentConsumed: t(
    `${MESSAGES.cspAzurePlan.en} No incident will be used.`,
    `${MESSAGES.cspAzurePlan.zh}不会消耗事件。`,
  ),
  product: t(
    'Which product? (for example "SQL Server 2022" or "Azure App Service")',
    '哪个产品？（例如“SQL Server 2022”或“Azure App Service”）',
  ),
  title: t('A short title for the problem?', '请用一句话概括问题（标题）：'),
  description: t(
    'Describe the problem: the error message, what you expected and what happened.',
    '请描述问题：错误消息、预期结果和实际情况。',
  ),
  severity: t('How severe is it?', '严重程度如何？'),
  severityA: t('A – critical: business stopped', 'A – 严重：业务中断'),
  severityB: t('B – high: business impaired', 'B – 高：业务受影响'),
  severityC: t('C – moderate: minimal impact', 'C – 中：影响较小'),
  useContact: (name: string, email: string): Text =>
    t(`Should Microsoft contact you (${name}, ${email})?`, `Microsoft 是否联系你（${name}，${email}）？`),
  contactName: t('Who should Microsoft contact? (name)', 'Microsoft 应联系谁？（姓名）'),
  contactEmail: t('Their email address?', '联系人的电子邮件地址？'),
  phone: t('A phone number for callbacks? (or "skip")', '回电电话号码？（或输入“跳过”）'),
  reviewBelow: t('Please check the details and confirm below.', '请检查以下详细信息并确认。'),
  invalid: {
    product: t(
      `Please name the product in ${L.product[0]}–${L.product[1]} characters.`,
      `请用 ${L.product[0]}–${L.product[1]} 个字符填写产品名称。`,
    ),
    title: t(
      `The title needs ${L.title[0]}–${L.title[1]} characters. Please try again.`,
      `标题需为 ${L.title[0]}–${L.title[1]} 个字符，请重试。`,
    ),
    description: t(
      `The description needs ${L.description[0]}–${L.description[1]} characters: say what fails and the error you see.`,
      `描述需为 ${L.description[0]}–${L.description[1]} 个字符：请说明出错的内容和看到的错误。`,
    ),
    contactName: t(
      `Please give a name of ${L.contactName[0]}–${L.contactName[1]} characters.`,
      `请填写 ${L.contactName[0]}–${L.contactName[1]} 个字符的姓名。`,
    ),
    contactEmail: t(
      'That is not an email address. Please try again, e.g. name@contoso.com.',
      '这不是有效的电子邮件地址，请重试，例如 name@contoso.com。',
    ),
    contactPhone: t(
      'That is not a phone number. Use digits, spaces, +, - or parentheses, or say "skip".',
      '这不是有效的电话号码。请使用数字、空格、+、- 或括号，或输入“跳过”。',
    ),
  },
  ownIncidentsOnly: t(
    'Only admins and support leads see all of the organisation’s incidents; here are yours.',
    '只有管理员和支持主管可以查看组织的全部事件；以下是你自己的事件。',
  ),
  gladToHelp: t(
    'Glad to help. Ask me anytime about your benefits or incidents.',
    '很高兴能帮上忙。有关权益或事件的问题，随时问我。',
  ),
  cancelled: t('Cancelled. What else can I help with?', '已取消。还有什么可以帮你？'),
  nothingToCancel: t('There is nothing to cancel.', '当前没有可取消的操作。'),
} as const;

/** Sentences one after another: Chinese puts no space after "。". */
export const sentences = (lang: Language, ...parts: string[]) => parts.join(lang === 'zh' ? '' : ' ');

export const SKIP_WORDS = ['skip', 'none', 'no', '跳过', '无', '没有'];

/** Display name of a benefit, with its offer: "Microsoft Product Support — Gold competency (Cloud Platform)". */
export function benefitLabel(
  benefit: { type: 'productSupport' | 'signatureCloudSupport' },
  offer: { level: 'actionPack' | 'silver' | 'gold'; competency: string | null },
  lang: Language,
): string {
  const level = NAMES[offer.level][lang];
  if (lang === 'zh' && offer.competency) {
    const competency = COMPETENCY_NAMES_ZH[offer.competency] ?? offer.competency;
    return `${NAMES[benefit.type].zh} — ${level}（${competency}）`;
  }
  return `${NAMES[benefit.type][lang]} — ${level}${offer.competency ? ` (${offer.competency})` : ''}`;
}

export function remainingText(remaining: number | null, lang: Language): string {
  if (remaining === null) return lang === 'zh' ? '无限制' : 'unlimited';
  return lang === 'zh'
    ? `剩余 ${remaining} 个事件`
    : `${remaining} incident${remaining === 1 ? '' : 's'} left`;
}
