/**
 * The rules of the source document (docs/RULES.md), as data. Everything that speaks
 * a number, a name or a message from the document takes it from here.
 */
import type { BenefitType, CompetencyClass, OfferLevel, Role } from './types';

/** FACTS R12: the cloud competencies. Every other competency is an "other competency". */
export const CLOUD_COMPETENCIES: readonly string[] = [
  'Security',
  'Cloud Business Applications',
  'Cloud Platform',
  'Cloud Productivity',
  'Enterprise Mobility Management',
  'Small and Midmarket Cloud Solutions',
];

/**
 * Chinese names of competencies: the R12 cloud competencies and the other common ones, so a
 * question in Chinese can name the organisation's competency (and answers can say it).
 */
export const COMPETENCY_NAMES_ZH: Readonly<Record<string, string>> = {
  Security: '安全',
  'Cloud Business Applications': '云业务应用',
  'Cloud Platform': '云平台',
  'Cloud Productivity': '云生产力',
  'Enterprise Mobility Management': '企业移动性管理',
  'Small and Midmarket Cloud Solutions': '小型和中型云解决方案',
  'Data Analytics': '数据分析',
  'Data Platform': '数据平台',
  'Application Development': '应用开发',
  'Application Integration': '应用程序集成',
  Datacenter: '数据中心',
  'Collaboration and Content': '协作和内容',
  Communications: '通信',
  Messaging: '消息',
  DevOps: 'DevOps',
  'Windows and Devices': 'Windows 和设备',
  'Enterprise Resource Planning': '企业资源规划',
  'Project and Portfolio Management': '项目和项目组合管理',
};

const normalise = (name: string): string =>
  name
    .toLowerCase()
    .replace(/\bcompetency\b/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const CLOUD_KEYS = new Set(CLOUD_COMPETENCIES.map(normalise));

/** FACTS R12: classify a competency by name ("Security Competency" counts as Security). */
export function competencyClass(name: string): CompetencyClass {
  return CLOUD_KEYS.has(normalise(name)) ? 'cloud' : 'other';
}

/** null = unlimited; undefined = not granted. */
export type Entitlement = number | null | undefined;

/** FACTS R11: Microsoft Product Support incidents per membership level (on-premises, R13). */
export const PRODUCT_SUPPORT_INCIDENTS: Readonly<Record<OfferLevel, number>> = {
  actionPack: 10,
  silver: 15,
  gold: 20,
};

/** FACTS R11: Signature Cloud Support per level and competency class (cloud, R13). */
export const SIGNATURE_CLOUD_INCIDENTS: Readonly<
  Record<OfferLevel, Readonly<Record<CompetencyClass, Entitlement>>>
> = {
  actionPack: { cloud: undefined, other: undefined }, // R11/R13: none for Action Pack
  silver: { cloud: null, other: 5 },
  gold: { cloud: null, other: 10 },
};

/** FACTS R11 cell by cell: what one offer grants for one benefit type. */
export function entitlement(level: OfferLevel, cls: CompetencyClass | null, type: BenefitType): Entitlement {
  if (type === 'productSupport') return PRODUCT_SUPPORT_INCIDENTS[level];
  if (level === 'actionPack' || cls === null) return undefined;
  return SIGNATURE_CLOUD_INCIDENTS[level][cls];
}

/** FACTS R2: the roles that may activate a benefit. */
export const ACTIVATING_ROLES: readonly Role[] = ['globalAdmin', 'mpnPartnerAdmin'];

/** FACTS R17–R19: where requests are made. */
export const LINKS = {
  supportForBusiness: 'https://support.serviceshub.microsoft.com/supportforbusiness/create', // R17
  partnerCenterDashboard: 'https://partner.microsoft.com/dashboard', // R18
  cspCustomers: 'https://partner.microsoft.com/commerce/customers/list', // R3
  comparePlans: 'https://partner.microsoft.com/support/partnersupport', // R19
  premierSupport: 'https://partner.microsoft.com/support/microsoft-services-premier-support', // R19
  advancedSupport: 'https://partner.microsoft.com/support/advanced-cloud-support', // R19
  /** The Partner Center article every rule comes from (docs/RULES.md); Learn picks the reader's language. */
  sourceArticle: 'https://learn.microsoft.com/partner-center/mpn-benefits-technical-support',
} as const;

export type Language = 'en' | 'zh';

export interface Bilingual {
  en: string;
  zh: string;
}

/** The document's own words, English original and its zh-CN text. */
export const MESSAGES = {
  notAuthorized: { en: 'You are not authorized for this action', zh: '你无权执行此操作' }, // R4
  mpnAccountRequired: { en: 'You must have an MPN associated account.', zh: '你必须具有 MPN 关联的帐户。' }, // R4
  noBenefitsYet: { en: "Looks like you don't have any benefits yet", zh: '似乎你还没有任何权益' }, // R5
  wrongAccountHint: {
    // R6
    en: 'If your company has active membership offers but you can’t see them, you may have signed in using the wrong account. To check your account, click the Account icon in the top right of the page and click Sign-in with another account (if required).',
    zh: '如果你的公司具有活动的成员资格，但你看不到它们，则可能是使用错误的帐户登录的。若要检查你的帐户，请单击页面右上方的“帐户”图标，然后单击“以其他帐户登录”（如果需要）。',
  },
  activateBeforeUse: {
    en: 'Your Technical support benefits must be activated before you can use them.',
    zh: '必须先激活你的技术支持权益，然后才能使用这些权益。',
  }, // R7
  activationRoles: {
    en: 'The user account used for activation requires the Global Admin or MPN Partner Admin roles.',
    zh: '用于激活的用户帐户需要“全局管理员”或“MPN 合作伙伴管理员”角色。',
  }, // R2
  allowFewDays: {
    en: 'Allow a few days to process your activation request.',
    zh: '需要几天时间来处理激活请求。',
  }, // R8
  idsAfterActivation: {
    en: 'Access ID and Contract ID will be displayed after successful activation.',
    zh: '成功激活后将显示访问 ID 和合同 ID。',
  }, // R9
  idsFirstUse: {
    en: 'You will need the Access ID and Contract ID the first time you use Microsoft Product Support or Signature Product Support.',
    zh: '首次使用 Microsoft 产品支持或签名产品支持时，你将需要访问 ID 和合同 ID。',
  }, // R10
  benefitsLast: {
    en: 'The benefits are associated to your user account until they expire or there are no more support incidents remaining.',
    zh: '权益与用户帐户相关联，直至过期或不再有其他的支持事件。',
  }, // R14
  anyAccount: {
    en: 'Any user account (AAD or MSA) can use technical support for On-Premise products if they have the Access ID and Contract ID.',
    zh: '如果用户帐户具有访问 ID 和合同 ID，则 (AAD 或 MSA) 的任何用户帐户都可以使用适用于本地产品的技术支持。',
  }, // R15
  cspAzurePlan: {
    en: 'CSP partners creating Azure requests may use the “Cloud Solution Provider” support plan without adding a support contract.',
    zh: '创建 Azure 请求的 CSP 合作伙伴可以使用“云解决方案提供商”支持计划，而无需添加支持合同。',
  }, // R16
  signatureForCompetencies: {
    en: 'Gold or Silver competency partners can use Signature Cloud Support for technical support on cloud products.',
    zh: '金牌和银牌能力合作伙伴可以使用签名云支持对云产品的技术支持。',
  }, // R13
  technicalSupportIs: {
    en: "Technical support provides troubleshooting for a specific problem, error message, or functionality that isn't working as expected.",
    zh: '技术支持为特定问题、错误消息或未按预期工作的功能提供了故障排除。',
  },
} as const satisfies Record<string, Bilingual>;

export const NAMES = {
  productSupport: { en: 'Microsoft Product Support', zh: 'Microsoft 产品支持' },
  signatureCloudSupport: { en: 'Signature Cloud Support', zh: '签名云支持' },
  cloudSolutionProvider: { en: 'Cloud Solution Provider', zh: '云解决方案提供商' },
  actionPack: { en: 'Action Pack', zh: 'Action Pack' },
  silver: { en: 'Silver competency', zh: '银牌能力' },
  gold: { en: 'Gold competency', zh: '金牌能力' },
  globalAdmin: { en: 'Global admin', zh: '全局管理员' },
  mpnPartnerAdmin: { en: 'MPN partner admin', zh: 'MPN 合作伙伴管理员' },
  adminAgent: { en: 'Admin agent', zh: '管理员代理' },
  supportLead: { en: 'Support lead', zh: '支持主管' },
  accessId: { en: 'Access ID', zh: '访问 ID' },
  contractId: { en: 'Contract ID', zh: '合同 ID' },
  premierSupport: { en: 'Premier Support for Partners', zh: '合作伙伴顶级支持' },
  advancedSupport: { en: 'Advanced Support for Partners', zh: '对合作伙伴的高级支持' },
} as const satisfies Record<string, Bilingual>;

/** Where answers come from: the source article's title (its address is LINKS.sourceArticle). */
export const SOURCE = {
  en: 'Partner Center: “MPN benefits – technical support incidents”',
  zh: '合作伙伴中心：“MPN 权益-技术支持事件”',
} as const satisfies Bilingual;
