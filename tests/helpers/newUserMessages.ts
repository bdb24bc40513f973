/**
 * A second held-out set for issue 13, written as a new partner would type, before the fixes it
 * measures (wip-words2) and never added to the training corpus: questions about the
 * organisation's own benefits in English, Simplified and Traditional Chinese, typos, casual
 * words, mixed Chinese and English, long messages (English and Chinese), the wrong-intent kinds,
 * follow-ups (the second turn of a conversation), support leads listing incidents, and
 * off-topic messages, many with words the bot knows. TUNE was looked at while fixing, by kind;
 * FINAL was only ever measured, for the figure in the report.
 */
import type { Intent } from '../../dialogs/understanding/intents';
import type { BenefitType, IncidentKind, OfferLevel } from '../../services/domain/types';

export type MessageKind =
  | 'ownData'
  | 'typo'
  | 'synonym'
  | 'mixed'
  | 'long'
  | 'longChinese'
  | 'wrongIntent'
  | 'followUp'
  | 'orgIncidents';

/** What the message names, as the entity recogniser must find it (fields left out: nothing). */
export interface Expected {
  types?: BenefitType[];
  levels?: OfferLevel[];
  competencies?: string[];
  /** For requests to open an incident: the kind said in the message. */
  incidentKind?: IncidentKind;
  incidentScope?: 'open';
}

export interface NewUserMessage {
  kind: MessageKind;
  /** The right intent; several when each leads to the same answer. */
  intent: Intent | readonly Intent[];
  text: string;
  locale: string;
  expected?: Expected;
  /** Follow-ups: the turn before, which names the benefit "it" and "那个" point back at. */
  after?: string;
}

const PS: BenefitType[] = ['productSupport'];
const SCS: BenefitType[] = ['signatureCloudSupport'];
const CP = ['Cloud Platform'];
const AD = ['Application Development'];
const DA = ['Data Analytics'];
const STATUS_OR_PENDING = ['action.activationStatus', 'action.pendingReason'] as const;

export const TUNE: readonly NewUserMessage[] = [
  // The organisation's own data, a benefit named.
  {
    kind: 'ownData',
    intent: 'facts.benefitsDuration',
    text: 'when is our gold cloud platform competency up for renewal',
    locale: 'en-US',
    expected: { levels: ['gold'], competencies: CP },
  },
  {
    kind: 'ownData',
    intent: 'facts.accessContractIds',
    text: "what's the access id on the signature cloud support for app dev",
    locale: 'en-US',
    expected: { types: SCS, competencies: AD },
  },
  {
    kind: 'ownData',
    intent: 'action.rejectionReason',
    text: 'why did microsoft reject our application development product support request',
    locale: 'en-US',
    expected: { types: PS, competencies: AD },
  },
  {
    kind: 'ownData',
    intent: 'action.incidentsRemaining',
    text: 'how many product support incidents remain for the action pack',
    locale: 'en-US',
    expected: { types: PS, levels: ['actionPack'] },
  },
  {
    kind: 'ownData',
    intent: 'facts.benefitsDuration',
    text: '云平台金牌的签名云支持什么时候到期',
    locale: 'zh-CN',
    expected: { types: SCS, levels: ['gold'], competencies: CP },
  },
  {
    kind: 'ownData',
    intent: 'facts.accessContractIds',
    text: '行动包产品支持的访问ID是多少',
    locale: 'zh-CN',
    expected: { types: PS, levels: ['actionPack'] },
  },
  {
    kind: 'ownData',
    intent: 'action.pendingReason',
    text: '数据分析那个产品支持怎么还没激活',
    locale: 'zh-CN',
    expected: { types: PS, competencies: DA },
  },
  {
    kind: 'ownData',
    intent: 'facts.benefitsDuration',
    text: '雲端平台的產品支援什麼時候到期',
    locale: 'zh-TW',
    expected: { types: PS, competencies: CP },
  },
  {
    kind: 'ownData',
    intent: 'action.rejectionReason',
    text: '應用程式開發的產品支援為什麼被拒絕',
    locale: 'zh-TW',
    expected: { types: PS, competencies: AD },
  },
  {
    kind: 'ownData',
    intent: 'action.incidentsRemaining',
    text: '金牌簽章雲端支援還剩幾個案件',
    locale: 'zh-TW',
    expected: { types: SCS, levels: ['gold'] },
  },
  {
    kind: 'ownData',
    intent: 'action.activationStatus',
    text: 'is the silver data analytics product support active yet',
    locale: 'en-US',
    expected: { types: PS, levels: ['silver'], competencies: DA },
  },

  // Typos.
  {
    kind: 'typo',
    intent: 'facts.benefitsDuration',
    text: 'when dose our action pakc expire',
    locale: 'en-US',
    expected: { levels: ['actionPack'] },
  },
  {
    kind: 'typo',
    intent: 'action.incidentsRemaining',
    text: 'how many incidnts are lefft on product suport',
    locale: 'en-US',
    expected: { types: PS },
  },
  {
    kind: 'typo',
    intent: 'action.rejectionReason',
    text: 'why was the aplication development activaton rejectd',
    locale: 'en-US',
    expected: { competencies: AD },
  },
  {
    kind: 'typo',
    intent: 'facts.accessContractIds',
    text: 'shwo me the acces id for signatue cloud suport',
    locale: 'en-US',
    expected: { types: SCS },
  },
  {
    kind: 'typo',
    intent: 'action.incidentsRemaining',
    text: '产品支持还剩几个市件',
    locale: 'zh-CN',
    expected: { types: PS },
  },
  {
    kind: 'typo',
    intent: 'facts.benefitsDuration',
    text: '我們的全益什麼時候到期',
    locale: 'zh-TW',
  },

  // Casual words.
  {
    kind: 'synonym',
    intent: 'action.incidentsRemaining',
    text: 'how many support tickets do we have remaining on gold',
    locale: 'en-US',
    expected: { levels: ['gold'] },
  },
  {
    kind: 'synonym',
    intent: 'facts.benefitsDuration',
    text: 'when do our partner perks run out',
    locale: 'en-US',
  },
  {
    kind: 'synonym',
    intent: 'action.activate',
    text: 'can you turn on cloud support for us',
    locale: 'en-US',
    expected: { types: SCS },
  },
  {
    kind: 'synonym',
    intent: 'action.openIncident',
    text: 'I need to log a case, our azure tenant is down',
    locale: 'en-US',
    expected: { incidentKind: 'cloud' },
  },
  {
    kind: 'synonym',
    intent: 'facts.benefitsDuration',
    text: '我们的福利啥时候到期',
    locale: 'zh-CN',
  },
  {
    kind: 'synonym',
    intent: 'action.openIncident',
    text: '帮我搞个工单，Azure 上的虚拟机起不来',
    locale: 'zh-CN',
    expected: { incidentKind: 'cloud' },
  },
  {
    kind: 'synonym',
    intent: 'action.activate',
    text: '幫我開通簽章雲端支援',
    locale: 'zh-TW',
    expected: { types: SCS },
  },

  // Chinese and English in one message.
  {
    kind: 'mixed',
    intent: 'action.incidentsRemaining',
    text: 'gold cloud platform 的 product support 还剩多少 incidents',
    locale: 'zh-CN',
    expected: { types: PS, levels: ['gold'], competencies: CP },
  },
  {
    kind: 'mixed',
    intent: 'action.rejectionReason',
    text: 'app dev 的 activation 为什么被 reject 了',
    locale: 'zh-CN',
    expected: { competencies: AD },
  },
  {
    kind: 'mixed',
    intent: 'action.openIncident',
    text: '我要 open 一個 case，是 SQL Server 本地部署的問題',
    locale: 'zh-TW',
    expected: { incidentKind: 'onPremises' },
  },

  // Long messages, the question buried.
  {
    kind: 'long',
    intent: 'facts.benefitsDuration',
    text: "Morning! Quick background first: I took over partner management from a colleague who moved to the sales team, and I'm still finding my way around Partner Center, the Azure portal and all the internal spreadsheets she left behind. My boss wants a renewal calendar by Friday. When does our signature cloud support expire?",
    locale: 'en-US',
    expected: { types: SCS },
  },
  {
    kind: 'long',
    intent: 'action.rejectionReason',
    text: "Hi, hope you're well. Can you tell me why the app dev product support got rejected? We need it working before the customer audit next month, and our admin is on leave until Tuesday so I can't ask her, and the email from Microsoft went to a shared mailbox nobody reads.",
    locale: 'en-US',
    expected: { types: PS, competencies: AD },
  },
  {
    kind: 'long',
    intent: 'action.openIncident',
    text: "Our customer's Azure SQL database has been throwing timeouts since 9 this morning. We scaled it up, checked the firewall rules and the connection strings, restarted the app service twice and read every log we could find, but nothing helps and their online shop is losing orders. Please open a case with Microsoft for us.",
    locale: 'en-US',
    expected: { incidentKind: 'cloud' },
  },

  // Long Chinese messages.
  {
    kind: 'longChinese',
    intent: 'action.incidentsRemaining',
    text: '各位好，我是刚加入的项目经理，前任同事离职比较突然，交接文档也不完整，我花了一个上午在合作伙伴中心里找资料，还是没搞明白。我们金牌云平台的产品支持还剩几个事件？',
    locale: 'zh-CN',
    expected: { types: PS, levels: ['gold'], competencies: CP },
  },
  {
    kind: 'longChinese',
    intent: 'action.openIncident',
    text: '我们这边有个客户的 Exchange 服务器是本地部署的，今天早上开始邮件收不了，重启服务、检查连接器都试过了，还是不行，客户那边已经很着急了。麻烦帮我开一个支持案例，谢谢。',
    locale: 'zh-CN',
    expected: { incidentKind: 'onPremises' },
  },
  {
    kind: 'longChinese',
    intent: 'facts.benefitsDuration',
    text: '大家好，我們公司最近剛升級成金牌合作夥伴，老闆要我整理一下微軟提供了哪些技術支援，順便確認一下有沒有快過期的東西，我找了很久還是找不到。請問我們的權益什麼時候到期？',
    locale: 'zh-TW',
    expected: { levels: ['gold'] },
  },
  {
    kind: 'longChinese',
    intent: STATUS_OR_PENDING,
    text: '你好！我们上个月续签了银牌数据分析，之前的产品支持激活好像一直卡着，我也不知道是哪一步出了问题，财务那边说钱都付了，老板天天问我。能帮我看看激活状态吗？',
    locale: 'zh-CN',
    expected: { types: PS, levels: ['silver'], competencies: DA },
  },

  // The wrong-intent kinds.
  {
    kind: 'wrongIntent',
    intent: 'action.openIncident',
    text: 'create a case about our microsoft 365 cloud service outage',
    locale: 'en-US',
    expected: { incidentKind: 'cloud' },
  },
  {
    kind: 'wrongIntent',
    intent: 'facts.notAuthorized',
    text: "i'm signed in with the csp account and partner center says i lack permission to view benefits",
    locale: 'en-US',
  },
  {
    kind: 'wrongIntent',
    intent: 'action.activate',
    text: 'activate the app dev product support please',
    locale: 'en-US',
    expected: { types: PS, competencies: AD },
  },
  {
    kind: 'wrongIntent',
    intent: 'action.rejectionReason',
    text: '为什么被拒绝了',
    locale: 'zh-CN',
  },
  {
    kind: 'wrongIntent',
    intent: 'action.activate',
    text: 'switch on signature cloud support',
    locale: 'en-US',
    expected: { types: SCS },
  },
  {
    kind: 'wrongIntent',
    intent: ['action.activate', 'facts.howToActivate'],
    text: '怎么激活 signature cloud support',
    locale: 'zh-CN',
    expected: { types: SCS },
  },

  // Follow-ups: the second turn.
  {
    kind: 'followUp',
    intent: 'action.incidentsRemaining',
    after: 'when does the silver data analytics offer expire',
    text: 'and how many incidents does it have left',
    locale: 'en-US',
  },
  {
    kind: 'followUp',
    intent: 'action.activate',
    after: 'why was the app dev product support rejected',
    text: 'ok, can you activate it again',
    locale: 'en-US',
  },
  {
    kind: 'followUp',
    intent: 'facts.benefitsDuration',
    after: '金牌云平台签名云支持的访问ID',
    text: '那个什么时候到期',
    locale: 'zh-CN',
  },
  {
    kind: 'followUp',
    intent: STATUS_OR_PENDING,
    after: '資料分析的產品支援狀態',
    text: '它為什麼還沒啟用',
    locale: 'zh-TW',
  },

  // Support leads listing the organisation's incidents.
  {
    kind: 'orgIncidents',
    intent: 'action.orgIncidents',
    text: "show all the company's open tickets",
    locale: 'en-US',
    expected: { incidentScope: 'open' },
  },
  {
    kind: 'orgIncidents',
    intent: 'action.orgIncidents',
    text: '团队现在有哪些没关闭的工单',
    locale: 'zh-CN',
    expected: { incidentScope: 'open' },
  },
  {
    kind: 'orgIncidents',
    intent: 'action.orgIncidents',
    text: '列出公司全部的支援案件',
    locale: 'zh-TW',
  },
];

export const FINAL: readonly NewUserMessage[] = [
  {
    kind: 'ownData',
    intent: 'action.pendingReason',
    text: 'data analytics product support is still pending, why is that?',
    locale: 'en-US',
    expected: { types: PS, competencies: DA },
  },
  {
    kind: 'ownData',
    intent: 'facts.benefitsDuration',
    text: 'expiry date for our silver offer',
    locale: 'en-US',
    expected: { levels: ['silver'] },
  },
  {
    kind: 'ownData',
    intent: 'facts.accessContractIds',
    text: 'contract id for the gold cloud platform product support please',
    locale: 'en-US',
    expected: { types: PS, levels: ['gold'], competencies: CP },
  },
  {
    kind: 'ownData',
    intent: 'action.rejectionReason',
    text: '应用开发产品支持的激活为什么被驳回',
    locale: 'zh-CN',
    expected: { types: PS, competencies: AD },
  },
  {
    kind: 'ownData',
    intent: 'action.incidentsRemaining',
    text: '金牌应用开发的签名云支持还能开几个事件',
    locale: 'zh-CN',
    expected: { types: SCS, levels: ['gold'], competencies: AD },
  },
  {
    kind: 'ownData',
    intent: 'facts.accessContractIds',
    text: 'Action Pack 的合約 ID 在哪裡',
    locale: 'zh-TW',
    expected: { levels: ['actionPack'] },
  },
  {
    kind: 'ownData',
    intent: STATUS_OR_PENDING,
    text: '資料分析的產品支援還在審核中嗎',
    locale: 'zh-TW',
    expected: { types: PS, competencies: DA },
  },
  {
    kind: 'typo',
    intent: STATUS_OR_PENDING,
    text: 'is the silvr data analytics activation still pendng',
    locale: 'en-US',
    expected: { levels: ['silver'], competencies: DA },
  },
  {
    kind: 'typo',
    intent: 'facts.benefitsDuration',
    text: '权益什么时侯过期',
    locale: 'zh-CN',
  },
  {
    kind: 'typo',
    intent: 'facts.accessContractIds',
    text: 'whats the acess id of the glod cloud platfrom signature support',
    locale: 'en-US',
    expected: { types: SCS, levels: ['gold'], competencies: CP },
  },
  {
    kind: 'synonym',
    intent: 'action.openIncident',
    text: 'open a ticket: exchange server on-prem will not start',
    locale: 'en-US',
    expected: { incidentKind: 'onPremises' },
  },
  {
    kind: 'synonym',
    intent: 'action.incidentsRemaining',
    text: '还能提几次技术支持',
    locale: 'zh-CN',
  },
  {
    kind: 'synonym',
    intent: 'action.activationStatus',
    text: 'has the gold app dev thing been approved',
    locale: 'en-US',
    expected: { levels: ['gold'], competencies: AD },
  },
  {
    kind: 'mixed',
    intent: 'facts.benefitsDuration',
    text: '帮我 check 一下 signature cloud support 什么时候 expire',
    locale: 'zh-CN',
    expected: { types: SCS },
  },
  {
    kind: 'mixed',
    intent: 'facts.accessContractIds',
    text: 'Access ID 在哪裡看？產品支援的',
    locale: 'zh-TW',
    expected: { types: PS },
  },
  {
    kind: 'long',
    intent: 'action.incidentsRemaining',
    text: "Thanks for yesterday's help with the renewal dates. Today I'm putting together the quarterly support report for leadership, and they always ask how much capacity we have left before the spring renewal, broken down by offer. How many incidents are left on the gold cloud platform product support?",
    locale: 'en-US',
    expected: { types: PS, levels: ['gold'], competencies: CP },
  },
  {
    kind: 'long',
    intent: 'action.openIncident',
    text: 'We run SharePoint Server 2019 on premises for a hospital customer and since last night search crawls fail with an access error; the customer IT team already rebuilt the index and checked the service accounts. I need to raise a support ticket for this, can you help?',
    locale: 'en-US',
    expected: { incidentKind: 'onPremises' },
  },
  {
    kind: 'longChinese',
    intent: 'action.pendingReason',
    text: '上周我们提交了数据分析产品支持的激活申请，管理员说已经提交成功了，但到现在仪表板上一直没有变化，客户那边又在催，我们也不知道该找谁。想问下为什么还是没有激活？',
    locale: 'zh-CN',
    expected: { types: PS, competencies: DA },
  },
  {
    kind: 'longChinese',
    intent: 'action.rejectionReason',
    text: '不好意思打擾了，我這週一直在處理客戶的 Azure 訂閱問題，還要準備季度報告，真的忙不過來，主管又一直在問進度。想問一下，應用程式開發那個產品支援的啟用為什麼被拒絕了？',
    locale: 'zh-TW',
    expected: { types: PS, competencies: AD },
  },
  {
    kind: 'longChinese',
    intent: 'facts.accessContractIds',
    text: '你好，我们公司上个月刚成为金牌云平台合作伙伴，技术团队准备第一次向微软提交支持请求，但是不知道需要准备哪些信息，同事说要用到一个编号。请问签名云支持的访问 ID 是多少？',
    locale: 'zh-CN',
    expected: { types: SCS, levels: ['gold'], competencies: CP },
  },
  {
    kind: 'wrongIntent',
    intent: 'action.openIncident',
    text: 'our azure app service keeps crashing, raise an incident',
    locale: 'en-US',
    expected: { incidentKind: 'cloud' },
  },
  {
    kind: 'wrongIntent',
    intent: 'facts.notAuthorized',
    text: '用 CSP 帐户登录合作伙伴中心，提示没有权限',
    locale: 'zh-CN',
  },
  {
    kind: 'wrongIntent',
    intent: 'action.activate',
    text: '請幫我啟用應用開發的產品支援',
    locale: 'zh-TW',
    expected: { types: PS, competencies: AD },
  },
  {
    kind: 'wrongIntent',
    intent: 'action.rejectionReason',
    text: 'why did it get rejected',
    locale: 'en-US',
  },
  {
    kind: 'wrongIntent',
    intent: ['action.activate', 'facts.howToActivate'],
    text: 'how do i switch on the signature cloud support for cloud platform',
    locale: 'en-US',
    expected: { types: SCS, competencies: CP },
  },
  {
    kind: 'followUp',
    intent: 'facts.accessContractIds',
    after: 'show me the action pack product support',
    text: "what's its contract id",
    locale: 'en-US',
  },
  {
    kind: 'followUp',
    intent: 'action.activationStatus',
    after: 'what about the gold cloud platform product support',
    text: 'is that one still active',
    locale: 'en-US',
  },
  {
    kind: 'followUp',
    intent: 'action.incidentsRemaining',
    after: '应用开发的签名云支持什么时候到期',
    text: '那个还剩几个',
    locale: 'zh-CN',
  },
  {
    kind: 'orgIncidents',
    intent: 'action.orgIncidents',
    text: 'list every incident our organisation has',
    locale: 'en-US',
  },
  {
    kind: 'orgIncidents',
    intent: 'action.orgIncidents',
    text: 'which cases are still open across the whole team',
    locale: 'en-US',
    expected: { incidentScope: 'open' },
  },
  {
    kind: 'orgIncidents',
    intent: 'action.orgIncidents',
    text: '所有人开的事件都给我看看',
    locale: 'zh-CN',
  },
];

/** Messages that are not about partner support benefits: each must fall back (intent `none`). */
export const OFF_TOPIC_TUNE: readonly (readonly [text: string, locale: string])[] = [
  ['my passport expires next month, what documents do i need', 'en-US'],
  ['can you summarise this article about remote work', 'en-US'],
  ['what did we decide in the meeting last week', 'en-US'],
  ['my gym membership expires soon, should i renew it', 'en-US'],
  ['i left my phone case on the bus', 'en-US'],
  ['is it going to be cloudy tomorrow', 'en-US'],
  ["what's the status of my amazon order", 'en-US'],
  ['our customers love the new cafe menu', 'en-US'],
  ['i need help with my tax return', 'en-US'],
  ['can you link me to the company holiday calendar', 'en-US'],
  ['how many days of annual leave do i have left', 'en-US'],
  ['please read this documentation and tell me what it says about vacations', 'en-US'],
  [
    "I've been planning our family trip for weeks: flights booked, hotel sorted, the dog is going to my sister's. The only thing left is the rental car, and the last offer I found expires at noon. Which car company would you recommend?",
    'en-US',
  ],
  ['我的护照下个月到期，怎么续签', 'zh-CN'],
  ['帮我总结一下这篇文章', 'zh-CN'],
  ['明天是多云还是晴天', 'zh-CN'],
  ['年假还剩几天', 'zh-CN'],
  ['这个月的客户满意度调查结果怎么样', 'zh-CN'],
  ['我的駕照什麼時候到期', 'zh-TW'],
  ['雲端硬碟的空間不夠了怎麼辦', 'zh-TW'],
  ['公司尾牙在哪裡辦', 'zh-TW'],
];

export const OFF_TOPIC_FINAL: readonly (readonly [text: string, locale: string])[] = [
  ['when does the parking permit expire', 'en-US'],
  ['how long does the last train to the airport run', 'en-US'],
  ['the incident at the office party last friday was hilarious', 'en-US'],
  ['who won the gold medal in the 100 metres', 'en-US'],
  ['what does the employee health plan include', 'en-US'],
  ['open the pod bay doors', 'en-US'],
  ['write me a short article about spring', 'en-US'],
  ['the printer on floor three is out of toner again, who do i call', 'en-US'],
  ['our milk in the office fridge is expired', 'en-US'],
  [
    'Last weekend we went hiking with the whole team, the weather was perfect and we found a small lake at the end of the trail. Someone took a great photo that I want to print. Where can I print a poster near the office?',
    'en-US',
  ],
  ['上周开会讨论了什么', 'zh-CN'],
  ['健身卡什么时候过期', 'zh-CN'],
  ['帮我打开窗户', 'zh-CN'],
  ['我的手机壳是在哪里买的', 'zh-CN'],
  [
    '周末带孩子去了动物园，天气很好，人也不多，孩子们玩得特别开心，回来的路上还去吃了火锅。下周想去郊外露营，有什么推荐的地方吗？',
    'zh-CN',
  ],
  ['幫我摘要這篇文章', 'zh-TW'],
  ['明天會下雨嗎', 'zh-TW'],
  ['這個案子客戶很滿意', 'zh-TW'],
  ['我的帳號密碼忘記了', 'zh-TW'],
  ['優惠券什麼時候過期', 'zh-HK'],
];
