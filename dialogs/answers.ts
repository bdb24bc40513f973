/**
 * Answers to questions about the source document, in English and Chinese. Numbers, names
 * and messages come from services/domain/facts.ts; every answer says which rules it states.
 */
import {
  CLOUD_COMPETENCIES,
  COMPETENCY_NAMES_ZH,
  LINKS,
  MESSAGES,
  NAMES,
  PRODUCT_SUPPORT_INCIDENTS,
  SIGNATURE_CLOUD_INCIDENTS,
  SOURCE,
  type Language,
} from '../services/domain/facts';
import type { FactIntent } from './understanding/intents';

export interface Answer {
  title: string;
  text: string;
  rules: string[];
  source: string;
  links?: { title: string; url: string }[];
}

type Parts = { title: string; text: string; links?: { title: string; url: string }[] };
type Both = { rules: string[]; en: Parts; zh: Parts };

const dashboard = {
  en: { title: 'Partner Center dashboard', url: LINKS.partnerCenterDashboard },
  zh: { title: '合作伙伴中心仪表板', url: LINKS.partnerCenterDashboard },
};
const supportForBusiness = {
  en: { title: 'Support for Business', url: LINKS.supportForBusiness },
  zh: { title: '支持企业 (Support for Business)', url: LINKS.supportForBusiness },
};
const plans = {
  en: [
    { title: 'Compare partner support plans', url: LINKS.comparePlans },
    { title: NAMES.premierSupport.en, url: LINKS.premierSupport },
    { title: NAMES.advancedSupport.en, url: LINKS.advancedSupport },
  ],
  zh: [
    { title: '比较合作伙伴支持计划', url: LINKS.comparePlans },
    { title: NAMES.premierSupport.zh, url: LINKS.premierSupport },
    { title: NAMES.advancedSupport.zh, url: LINKS.advancedSupport },
  ],
};

const P = PRODUCT_SUPPORT_INCIDENTS;
const S = SIGNATURE_CLOUD_INCIDENTS;

const ANSWERS: Record<FactIntent, Both> = {
  'facts.roles': {
    rules: ['R1', 'R2', 'R3'],
    en: {
      title: 'The roles that matter',
      text: `${NAMES.globalAdmin.en}, ${NAMES.mpnPartnerAdmin.en} and ${NAMES.adminAgent.en}. The first two can activate benefits; Admin agents create requests for CSP customers.`,
    },
    zh: {
      title: '相关角色',
      text: `${NAMES.globalAdmin.zh}、${NAMES.mpnPartnerAdmin.zh}和${NAMES.adminAgent.zh}。前两者可以激活权益；管理员代理为 CSP 客户创建请求。`,
    },
  },
  'facts.whoCanActivate': {
    rules: ['R2'],
    en: {
      title: 'Who can activate',
      text: `${MESSAGES.activationRoles.en} Other users can see the benefits but not activate them.`,
    },
    zh: { title: '谁可以激活', text: `${MESSAGES.activationRoles.zh}其他用户可以查看权益，但不能激活。` },
  },
  'facts.howToActivate': {
    rules: ['R2', 'R7', 'R8', 'R9', 'R18'],
    en: {
      title: 'How to activate',
      text: `${MESSAGES.activateBeforeUse.en} A Global admin or MPN partner admin selects Activate on the benefit (here on the benefits card, or in Partner Center: Benefits → Technical benefits). ${MESSAGES.allowFewDays.en} ${MESSAGES.idsAfterActivation.en}`,
      links: [dashboard.en],
    },
    zh: {
      title: '如何激活',
      text: `${MESSAGES.activateBeforeUse.zh}由全局管理员或 MPN 合作伙伴管理员在权益上选择“激活”（在此权益卡片上，或在合作伙伴中心：权益 → 技术优势）。${MESSAGES.allowFewDays.zh}${MESSAGES.idsAfterActivation.zh}`,
      links: [dashboard.zh],
    },
  },
  'facts.activationDuration': {
    rules: ['R8'],
    en: {
      title: 'How long activation takes',
      text: `${MESSAGES.allowFewDays.en} The benefit shows as pending until the Access ID and Contract ID are issued.`,
    },
    zh: {
      title: '激活需要多长时间',
      text: `${MESSAGES.allowFewDays.zh}在颁发访问 ID 和合同 ID 之前，权益显示为“等待中”。`,
    },
  },
  'facts.accessContractIds': {
    rules: ['R9', 'R10', 'R15'],
    en: {
      title: 'Access ID and Contract ID',
      text: `${MESSAGES.idsAfterActivation.en} ${MESSAGES.idsFirstUse.en} They are on the benefits card once the benefit is active.`,
    },
    zh: {
      title: '访问 ID 和合同 ID',
      text: `${MESSAGES.idsAfterActivation.zh}${MESSAGES.idsFirstUse.zh}权益激活后，它们显示在权益卡片上。`,
    },
  },
  'facts.notAuthorized': {
    rules: ['R4'],
    en: {
      title: `“${MESSAGES.notAuthorized.en}”`,
      text: `You see “${MESSAGES.notAuthorized.en}” when your account is only associated to CSP and not to MPN. ${MESSAGES.mpnAccountRequired.en}`,
    },
    zh: {
      title: `“${MESSAGES.notAuthorized.zh}”`,
      text: `如果你的帐户仅关联到 CSP 而未关联到 MPN，你将看到“${MESSAGES.notAuthorized.zh}”。${MESSAGES.mpnAccountRequired.zh}`,
    },
  },
  'facts.noBenefits': {
    rules: ['R5', 'R6'],
    en: {
      title: `“${MESSAGES.noBenefitsYet.en}”`,
      text: `You see this when there is no active membership offer. ${MESSAGES.wrongAccountHint.en}`,
      links: [dashboard.en],
    },
    zh: {
      title: `“${MESSAGES.noBenefitsYet.zh}”`,
      text: `没有活动的成员资格时会显示此消息。${MESSAGES.wrongAccountHint.zh}`,
      links: [dashboard.zh],
    },
  },
  'facts.signatureCloud': {
    rules: ['R11', 'R13', 'R10'],
    en: {
      title: NAMES.signatureCloudSupport.en,
      text: `${MESSAGES.signatureForCompetencies.en} For cloud products only; not part of Action Pack. Cloud competencies: unlimited incidents; other competencies: ${S.silver.other} (Silver) or ${S.gold.other} (Gold) incidents. ${MESSAGES.idsFirstUse.en}`,
    },
    zh: {
      title: NAMES.signatureCloudSupport.zh,
      text: `${MESSAGES.signatureForCompetencies.zh}仅适用于云产品；Action Pack 不包含。云能力：无限制；其他能力：${S.silver.other} 个（银牌）或 ${S.gold.other} 个（金牌）事件。${MESSAGES.idsFirstUse.zh}`,
    },
  },
  'facts.productSupport': {
    rules: ['R11', 'R13', 'R15', 'R17'],
    en: {
      title: NAMES.productSupport.en,
      text: `For technical support on recent on-premises products: ${P.actionPack} incidents with Action Pack, ${P.silver} with a Silver competency, ${P.gold} with a Gold competency. ${MESSAGES.anyAccount.en} Create on-premises requests in Support for Business.`,
      links: [supportForBusiness.en],
    },
    zh: {
      title: NAMES.productSupport.zh,
      text: `用于最近的本地产品的技术支持：Action Pack ${P.actionPack} 个事件，银牌能力 ${P.silver} 个，金牌能力 ${P.gold} 个。${MESSAGES.anyAccount.zh}请在“支持企业”中创建本地产品支持请求。`,
      links: [supportForBusiness.zh],
    },
  },
  'facts.entitlements': {
    rules: ['R11', 'R12', 'R13'],
    en: {
      title: 'Technical support per membership',
      text: [
        `${NAMES.productSupport.en} (recent on-premises products only): Action Pack ${P.actionPack} incidents, Silver competency ${P.silver} incidents, Gold competency ${P.gold} incidents.`,
        `${NAMES.signatureCloudSupport.en} (cloud products only): Action Pack none; Silver competency: cloud competencies Unlimited, other competencies ${S.silver.other} incidents; Gold competency: cloud competencies Unlimited, other competencies ${S.gold.other} incidents.`,
      ].join('\n\n'),
    },
    zh: {
      title: '各会员级别的技术支持',
      text: [
        `${NAMES.productSupport.zh}（仅限最近的本地产品）：Action Pack ${P.actionPack} 个事件，银牌能力 ${P.silver} 个事件，金牌能力 ${P.gold} 个事件。`,
        `${NAMES.signatureCloudSupport.zh}（仅限云产品）：Action Pack 无；银牌能力：云能力无限制，其他能力 ${S.silver.other} 个事件；金牌能力：云能力无限制，其他能力 ${S.gold.other} 个事件。`,
      ].join('\n\n'),
    },
  },
  'facts.cloudCompetencies': {
    rules: ['R12'],
    en: {
      title: 'Cloud competencies',
      text: `${CLOUD_COMPETENCIES.join(', ')}. Every other competency counts as an “other competency”.`,
    },
    zh: {
      title: '云能力',
      text: `${CLOUD_COMPETENCIES.map((c) => `${COMPETENCY_NAMES_ZH[c]} (${c})`).join('、')}。其他所有能力均为“其他能力”。`,
    },
  },
  'facts.cspAzure': {
    rules: ['R3', 'R16'],
    en: {
      title: 'Azure requests for CSP customers',
      text: `${MESSAGES.cspAzurePlan.en} Users with the Admin agent role select Customers under CSP, then Service management → New request; choosing the workload opens its portal, where the request is created. No membership incident is used.`,
      links: [{ title: 'CSP customers', url: LINKS.cspCustomers }],
    },
    zh: {
      title: '为 CSP 客户创建 Azure 请求',
      text: `${MESSAGES.cspAzurePlan.zh}具有管理员代理角色的用户在 CSP 下选择“客户”，然后选择“服务管理”→“新建请求”；选择工作负荷后会打开其门户并在其中创建请求。不消耗成员资格事件。`,
      links: [{ title: 'CSP 客户', url: LINKS.cspCustomers }],
    },
  },
  'facts.paidPlans': {
    rules: ['R19'],
    en: {
      title: 'Paid partner support plans',
      text: `${NAMES.premierSupport.en}: the top level of technical support from Microsoft. ${NAMES.advancedSupport.en}: cloud products only.`,
      links: plans.en,
    },
    zh: {
      title: '付费合作伙伴支持计划',
      text: `${NAMES.premierSupport.zh}：Microsoft 提供的最高级别技术支持。${NAMES.advancedSupport.zh}：仅限云产品。`,
      links: plans.zh,
    },
  },
  'facts.accounts': {
    rules: ['R15'],
    en: { title: 'AAD and MSA accounts', text: MESSAGES.anyAccount.en },
    zh: { title: 'AAD 和 MSA 帐户', text: MESSAGES.anyAccount.zh },
  },
  'facts.benefitsDuration': {
    rules: ['R14'],
    en: {
      title: 'How long benefits last',
      text: `${MESSAGES.benefitsLast.en} The benefits card shows each benefit's expiry date and incidents left.`,
    },
    zh: {
      title: '权益的有效期',
      text: `${MESSAGES.benefitsLast.zh}权益卡片显示每项权益的到期日期和剩余事件数。`,
    },
  },
  'facts.whereToRequest': {
    rules: ['R17', 'R18'],
    en: {
      title: 'Where requests are made',
      text: 'On-premises support requests: Support for Business. Benefits and activation: the Partner Center dashboard, Benefits → Technical benefits.',
      links: [supportForBusiness.en, dashboard.en],
    },
    zh: {
      title: '在哪里提交请求',
      text: '本地产品支持请求：“支持企业”。权益和激活：合作伙伴中心仪表板，权益 → 技术优势。',
      links: [supportForBusiness.zh, dashboard.zh],
    },
  },
  'facts.relatedArticles': {
    rules: ['R20'],
    en: {
      title: 'Related articles',
      text: '“Manage your Microsoft Partner Network benefits and offers” and “Activate technical benefits for members of Partner Membership Center (PMC)”.',
    },
    zh: {
      title: '相关文章',
      text: '“管理你的 Microsoft 合作伙伴网络权益和优惠”以及“为合作伙伴成员中心 (PMC) 的成员激活技术权益”。',
    },
  },
  'facts.technicalSupport': {
    rules: ['R11'],
    en: { title: 'What technical support covers', text: MESSAGES.technicalSupportIs.en },
    zh: { title: '技术支持包括什么', text: MESSAGES.technicalSupportIs.zh },
  },
};

export function factAnswer(intent: FactIntent, lang: Language): Answer {
  const a = ANSWERS[intent];
  return { ...a[lang], rules: a.rules, source: SOURCE[lang] };
}

export function fallbackAnswer(lang: Language): Answer {
  return lang === 'zh'
    ? {
        title: '我没有理解这个问题',
        text: '我可以回答有关 MPN 技术支持权益的问题，例如：“还剩几个事件？”“怎么激活权益？”“签名云支持是什么？”“金牌有多少个事件？”，也可以帮你开支持事件。',
        rules: [],
        source: SOURCE.zh,
      }
    : {
        title: "I didn't get that",
        text: 'I answer questions about your MPN technical support benefits, for example: “How many incidents do we have left?”, “How do I activate a benefit?”, “What is Signature Cloud Support?”, “How many incidents does Gold include?”. I can also open a support incident for you.',
        rules: [],
        source: SOURCE.en,
      };
}
