/**
 * Held-out phrasings for issue 13's kinds (questions about the organisation's own benefits,
 * rejected and pending activations, the organisation's incidents, the wrong-intent kinds and
 * follow-ups), written before the lexicon was tuned and never added to the corpus. Each says
 * what the question names, so the entity recogniser is measured too.
 */
import type { Intent } from '../../dialogs/understanding/intents';
import type { BenefitType, OfferLevel } from '../../services/domain/types';

export interface Named {
  types?: BenefitType[];
  levels?: OfferLevel[];
  competencies?: string[];
}

export type DataPhrasing = [intent: Intent, text: string, language: 'en' | 'zh', named?: Named];

const PS: Named = { types: ['productSupport'] };
const SCS: Named = { types: ['signatureCloudSupport'] };

export const DATA_PHRASINGS: readonly DataPhrasing[] = [
  // When a named offer or benefit expires.
  ['facts.benefitsDuration', 'when will our MAPS subscription expire', 'en', { levels: ['actionPack'] }],
  [
    'facts.benefitsDuration',
    'expiry date of the silver data analytics competency',
    'en',
    { levels: ['silver'], competencies: ['Data Analytics'] },
  ],
  ['facts.benefitsDuration', 'until when can we use signature cloud support', 'en', SCS],
  [
    'facts.benefitsDuration',
    '我们的银牌数据分析什么时候过期',
    'zh',
    { levels: ['silver'], competencies: ['Data Analytics'] },
  ],
  ['facts.benefitsDuration', '产品支持的到期日期是哪天', 'zh', PS],
  // The Access ID of a named benefit.
  ['facts.accessContractIds', 'give me the access id for our SCS benefit', 'en', SCS],
  [
    'facts.accessContractIds',
    'what contract id does the action pack product support have',
    'en',
    { types: ['productSupport'], levels: ['actionPack'] },
  ],
  [
    'facts.accessContractIds',
    'access ID for PSI on gold',
    'en',
    { types: ['productSupport'], levels: ['gold'] },
  ],
  [
    'facts.accessContractIds',
    '云平台签名云支持的合同 ID',
    'zh',
    { types: ['signatureCloudSupport'], competencies: ['Cloud Platform'] },
  ],
  [
    'facts.accessContractIds',
    '金牌的产品支持访问ID发我一下',
    'zh',
    { types: ['productSupport'], levels: ['gold'] },
  ],
  // Why a named activation was rejected.
  [
    'action.rejectionReason',
    'why did the app dev product support activation get rejected',
    'en',
    { types: ['productSupport'], competencies: ['Application Development'] },
  ],
  ['action.rejectionReason', 'what reason did microsoft give for declining it', 'en'],
  ['action.rejectionReason', 'our gold activation was refused, why?', 'en', { levels: ['gold'] }],
  [
    'action.rejectionReason',
    '应用开发那个激活为什么没通过',
    'zh',
    { competencies: ['Application Development'] },
  ],
  ['action.rejectionReason', '产品支持被拒绝的理由是什么', 'zh', PS],
  // Why an activation is still pending.
  [
    'action.pendingReason',
    'why is the silver product support still pending',
    'en',
    { types: ['productSupport'], levels: ['silver'] },
  ],
  [
    'action.pendingReason',
    'we are still waiting for the data analytics activation, why',
    'en',
    { competencies: ['Data Analytics'] },
  ],
  ['action.pendingReason', 'why is it still not activated', 'en'],
  [
    'action.pendingReason',
    '银牌产品支持为什么还在等待中',
    'zh',
    { types: ['productSupport'], levels: ['silver'] },
  ],
  ['action.pendingReason', '它为什么一直没激活', 'zh'],
  // How many incidents one named benefit has left.
  [
    'action.incidentsRemaining',
    'how many product support incidents are left on gold cloud platform',
    'en',
    { types: ['productSupport'], levels: ['gold'], competencies: ['Cloud Platform'] },
  ],
  [
    'action.incidentsRemaining',
    'remaining SCS incidents for app dev',
    'en',
    { types: ['signatureCloudSupport'], competencies: ['Application Development'] },
  ],
  [
    'action.incidentsRemaining',
    'how many cases are left in our action pack',
    'en',
    { levels: ['actionPack'] },
  ],
  [
    'action.incidentsRemaining',
    '金牌云平台的产品支持还剩几个',
    'zh',
    { types: ['productSupport'], levels: ['gold'], competencies: ['Cloud Platform'] },
  ],
  [
    'action.incidentsRemaining',
    '应用开发的签名云支持还剩多少个事件',
    'zh',
    { types: ['signatureCloudSupport'], competencies: ['Application Development'] },
  ],
  // Activating one named benefit (not the list of cloud competencies).
  [
    'action.activate',
    'activate the cloud platform signature cloud support for us',
    'en',
    { types: ['signatureCloudSupport'], competencies: ['Cloud Platform'] },
  ],
  [
    'action.activate',
    'please turn on product support for the silver competency',
    'en',
    { types: ['productSupport'], levels: ['silver'] },
  ],
  ['action.activate', '帮我激活云平台的权益', 'zh', { competencies: ['Cloud Platform'] }],
  [
    'action.activate',
    '请激活应用开发的产品支持',
    'zh',
    { types: ['productSupport'], competencies: ['Application Development'] },
  ],
  // A case about a cloud product, nobody mentioning CSP: opening an incident, not CSP Azure.
  ['action.openIncident', 'open a support case for our azure subscription problem', 'en'],
  ['action.openIncident', 'create a ticket about a cloud product outage', 'en'],
  ['action.openIncident', '我们的 Azure 云服务出问题了，帮我开个案例', 'zh'],
  // A CSP account lacking permission: R4, not "no benefits".
  ['facts.notAuthorized', 'i log in with our csp account and get no permission for benefits', 'en'],
  ['facts.notAuthorized', 'csp-only account, access denied on the benefits page', 'en'],
  ['facts.notAuthorized', '用 CSP 账户登录后没有权限看权益', 'zh'],
  // "That activation": its status, not the how-to.
  ['action.activationStatus', 'so what happened with that activation', 'en'],
  ['action.activationStatus', 'is that request approved now', 'en'],
  ['action.activationStatus', '那个激活现在是什么状态', 'zh'],
  // The organisation's incidents (support leads and admins).
  ['action.orgIncidents', 'show me all the open tickets in the company', 'en'],
  ['action.orgIncidents', 'list every case our team has raised', 'en'],
  ['action.orgIncidents', 'which incidents are still unresolved across the organisation', 'en'],
  ['action.orgIncidents', '看看公司所有的工单', 'zh'],
  ['action.orgIncidents', '组织里还有哪些未解决的事件', 'zh'],
  // Unchanged kinds must stay right (general answers when nothing is named).
  ['facts.benefitsDuration', 'do benefits expire eventually', 'en'],
  [
    'facts.cloudCompetencies',
    'is cloud platform one of the cloud competencies',
    'en',
    { competencies: ['Cloud Platform'] },
  ],
  ['facts.cspAzure', 'how do we open an azure request on behalf of a csp customer', 'en'],
  ['action.myIncidents', 'show the tickets i raised', 'en'],
  ['action.myIncidents', '我提交过哪些工单', 'zh'],
];

/** Off-topic messages, some with words this bot knows ("rejected", "pending", "all", "team"). */
export const OFF_TOPIC: readonly [string, 'en' | 'zh'][] = [
  ['why was my pizza order rejected', 'en'],
  ['my vacation request is still pending', 'en'],
  ['why was my expense report declined', 'en'],
  ['list all the team members birthdays', 'en'],
  ['show me everyone in the company directory', 'en'],
  ['when does the cafeteria close', 'en'],
  ['what does the company picnic include', 'en'],
  ['is the gold medal real gold', 'en'],
  ['how long does shipping take', 'en'],
  ['what is the reason for the fire alarm', 'en'],
  ['who is on call this weekend', 'en'],
  ['open the window please', 'en'],
  ['that one looks nice', 'en'],
  ['it is raining again', 'en'],
  ['book a flight to seattle', 'en'],
  ['为什么我的报销被拒绝了', 'zh'],
  ['我的请假申请还在等待中', 'zh'],
  ['公司年会在哪里举办', 'zh'],
  ['列出团队所有人的生日', 'zh'],
  ['那个好看吗', 'zh'],
  ['它是什么颜色', 'zh'],
  ['金牌选手是谁', 'zh'],
  ['快递什么时候到', 'zh'],
  ['帮我订一张去上海的机票', 'zh'],
  ['食堂几点关门', 'zh'],
];
