/**
 * Labelled phrasings partner staff use, in English and Chinese (zh-CN), with typos, mixed
 * case and mixed languages. Every fourth phrasing of each intent and language is held out:
 * training never sees it, and the accuracy test measures on it.
 */
import type { Intent } from './intents';

export interface Example {
  intent: Intent;
  language: 'en' | 'zh';
  text: string;
  heldOut: boolean;
}

const PHRASINGS: Record<Intent, { en: string[]; zh: string[] }> = {
  'facts.roles': {
    en: [
      'which roles matter for technical benefits',
      'what roles are there',
      'what are the appropriate roles',
      'roles needed for support benefits',
      'list the partner center roles for this',
      'what is an admin agent role',
    ],
    zh: [
      '有哪些相关角色',
      '技术权益需要什么角色',
      '相应的角色是什么',
      '管理员代理是什么角色',
      '合作伙伴中心有哪些角色',
    ],
  },
  'facts.whoCanActivate': {
    en: [
      'who can activate benefits',
      'which role can activate a benefit',
      'can I activate the benefit myself',
      'who is allowed to activate technical support',
      'does a global admin need to activate',
      'what permission do I need to activate',
      'only admins can activate?',
    ],
    zh: [
      '谁可以激活权益',
      '哪个角色能激活技术支持权益',
      '我能自己激活吗',
      '激活需要什么权限',
      '全局管理员才能激活吗',
      '哪些人有权限激活',
      '激活权益需要哪种角色',
    ],
  },
  'facts.howToActivate': {
    en: [
      'how do i activate my technical benefits',
      'how to activate support benefits',
      'steps to activate the benefit',
      'how does activation work',
      'where is the activate button',
      'how do we turn on product support',
    ],
    zh: ['怎么激活技术权益', '如何激活权益', '激活的步骤是什么', '在哪里激活技术支持', '激活按钮在哪里'],
  },
  'facts.activationDuration': {
    en: [
      'how long does activation take',
      'how many days until activation is done',
      'activation is still pending, how long',
      'when will my activation be processed',
      'why is activation taking so long',
      'how long to process the activation request',
      'how many days does an activation request need',
    ],
    zh: [
      '激活需要多长时间',
      '激活要几天',
      '激活请求多久处理完',
      '激活一直在等待中要多久',
      '激活什么时候完成',
      '激活请求要等多少天',
      '处理激活需要几天时间',
    ],
  },
  'facts.accessContractIds': {
    en: [
      'what is the access id',
      'where do i find the contract id',
      'what are access id and contract id for',
      'do i need the access id',
      'when do i get the contract id',
      'access id contract id',
    ],
    zh: [
      '访问 ID 是什么',
      '合同 ID 在哪里',
      '访问ID和合同ID有什么用',
      '什么时候需要合同 ID',
      '在哪里找到访问 ID',
    ],
  },
  'facts.notAuthorized': {
    en: [
      'what does you are not authorized for this action mean',
      'i get not authorized for this action',
      'why am i not authorized',
      'error: You are not authorized for this action',
      'partner center says not authorized',
      'not authorised error when opening benefits',
    ],
    zh: [
      '你无权执行此操作是什么意思',
      '提示你无权执行此操作',
      '为什么我无权执行此操作',
      '显示无权执行此操作怎么办',
      '打开权益时提示无权',
    ],
  },
  'facts.noBenefits': {
    en: [
      "it says looks like you don't have any benefits yet",
      'why do i see no benefits',
      "we have a membership but i can't see benefits",
      'no benefits shown for my account',
      'looks like you dont have any benefits yet',
      'benefits page is empty',
    ],
    zh: [
      '似乎你还没有任何权益是什么意思',
      '为什么看不到权益',
      '公司有会员资格但我看不到权益',
      '权益页面是空的',
      '显示似乎你还没有任何权益',
    ],
  },
  'facts.signatureCloud': {
    en: [
      'what is signature cloud support',
      'tell me about signature cloud support',
      'who can use signature cloud support',
      'is signature support for cloud products',
      'signature cloud support explained',
      'does action pack include signature cloud support',
    ],
    zh: [
      '签名云支持是什么',
      'Signature Cloud Support 是什么',
      '谁可以使用签名云支持',
      '签名云支持适用于哪些产品',
      '介绍一下签名云支持',
    ],
  },
  'facts.productSupport': {
    en: [
      'what is microsoft product support',
      'tell me about product support for on-premises',
      'how do i use product support',
      'product support for on premise products',
      'where do i create an on-premises support request',
      'microsft product suport',
    ],
    zh: [
      'Microsoft 产品支持是什么',
      '本地产品的技术支持怎么用',
      '产品支持适用于什么',
      '怎么创建本地产品的支持请求',
      '介绍一下产品支持',
    ],
  },
  'facts.entitlements': {
    en: [
      'how many incidents does gold get',
      'what does each membership level include',
      'entitlement for silver competency',
      'how many support incidents with action pack',
      'compare action pack silver and gold support',
      'incidents per membership level',
      'how many incidents come with silver',
      'what support do action pack members get',
      'how many incidents are included with gold membership',
    ],
    zh: [
      '金牌有多少个事件',
      '每个会员级别包含什么',
      '银牌能力有多少支持事件',
      'Action Pack 有几个事件',
      '比较 Action Pack、银牌和金牌的支持',
      '银牌会员有多少个支持事件',
    ],
  },
  'facts.cloudCompetencies': {
    en: [
      'which competencies are cloud competencies',
      'what counts as a cloud competency',
      'is security a cloud competency',
      'list cloud competencies',
      'is data analytics a cloud competency',
      'cloud competency list',
    ],
    zh: ['哪些是云能力', '云能力包括哪些', '安全能力算云能力吗', '列出云能力', '什么算云能力'],
  },
  'facts.cspAzure': {
    en: [
      'how do csp partners create azure requests',
      'azure support request for a csp customer',
      'do i need a support contract for csp azure',
      'what is the cloud solution provider support plan',
      'how does an admin agent create a customer request',
      'csp azure ticket',
      'cloud solution provider plan without adding a support contract',
    ],
    zh: [
      'CSP 合作伙伴怎么创建 Azure 请求',
      '为 CSP 客户创建 Azure 支持请求',
      'CSP Azure 请求需要支持合同吗',
      '云解决方案提供商支持计划是什么',
      '管理员代理怎么创建客户请求',
      '不添加支持合同的云解决方案提供商计划',
    ],
  },
  'facts.paidPlans': {
    en: [
      'what paid support plans are there',
      'tell me about premier support for partners',
      'what is advanced support for partners',
      'can we buy more support',
      'compare partner support plans',
      'we need more support than the benefits give',
    ],
    zh: [
      '有哪些付费支持计划',
      '合作伙伴顶级支持是什么',
      '对合作伙伴的高级支持是什么',
      '可以购买更多支持吗',
      '比较合作伙伴支持计划',
    ],
  },
  'facts.accounts': {
    en: [
      'can an msa account use technical support',
      'does it work with aad accounts',
      'can any user account use on-premises support',
      'can a personal microsoft account open a case',
      'which accounts can use the access id',
      'msa or aad',
      'can someone with an msa account use the access id to log a case',
    ],
    zh: [
      'MSA 帐户可以使用技术支持吗',
      'AAD 帐户可以用吗',
      '任何用户帐户都能使用本地支持吗',
      '个人 Microsoft 帐户能开案例吗',
      '哪些帐户可以使用访问 ID',
      'MSA 个人帐户能用访问 ID 开案例吗',
    ],
  },
  'facts.benefitsDuration': {
    en: [
      'how long do benefits last',
      'when do benefits expire',
      'do unused incidents expire',
      'how long are the benefits associated with my account',
      'what happens when incidents run out',
      'benefit expiry',
    ],
    zh: [
      '权益能用多久',
      '权益什么时候过期',
      '没用完的事件会过期吗',
      '权益和帐户关联多久',
      '事件用完了会怎样',
    ],
  },
  'facts.whereToRequest': {
    en: [
      'where do i create a support request',
      'link to support for business',
      'where is the partner center dashboard',
      'where do i open a ticket with microsoft',
      'which website for on-prem support requests',
      'dashboard url',
      'which site do i use to submit an on-premises request',
      'where can i submit a case to microsoft',
    ],
    zh: [
      '在哪里创建支持请求',
      '支持企业的链接',
      '合作伙伴中心仪表板在哪里',
      '去哪里提交工单',
      '本地支持请求的网站是什么',
      '在哪个网站提交支持请求',
      '工单应该在哪个网站提交',
    ],
  },
  'facts.relatedArticles': {
    en: [
      'related articles',
      'where can i read more',
      'more documentation about benefits',
      'next steps articles',
      'docs about managing mpn benefits',
      'pmc tech benefits article',
    ],
    zh: ['相关文章', '在哪里可以了解更多', '更多权益文档', '后续步骤有哪些文章', '管理 MPN 权益的文档'],
  },
  'facts.technicalSupport': {
    en: [
      'what does technical support cover',
      'what is technical support for',
      'what kind of problems does support help with',
      'does support cover error messages',
      'what counts as a support incident',
      'scope of technical support',
    ],
    zh: [
      '技术支持包括什么',
      '技术支持是做什么的',
      '支持能帮助解决哪些问题',
      '错误消息属于技术支持吗',
      '什么算一个支持事件',
    ],
  },
  'action.showBenefits': {
    en: [
      'show my benefits',
      'what benefits do we have',
      'show our technical support benefits',
      'benefits',
      'list our membership offers',
      'SHOW BENEFITS card',
      'benefits please',
    ],
    zh: [
      '查看我的权益',
      '我们有哪些权益',
      '显示技术支持权益',
      '权益',
      '列出我们的会员资格',
      '看看权益',
      '我们的权益',
    ],
  },
  'action.incidentsRemaining': {
    en: [
      'how many incidents do we have left',
      'incidents remaining',
      'how many support incidents are left',
      'how many cases can we still open',
      'remaining incidents',
      'how many incidents have we used',
      'how many more incidents can we open',
      'cases left',
    ],
    zh: [
      '还剩几个事件',
      '剩余多少支持事件',
      '我们还能开几个案例',
      '用了多少个事件',
      '剩下的事件数',
      '还可以开多少个事件',
    ],
  },
  'action.activate': {
    en: [
      'activate a benefit',
      'activate product support',
      'i want to activate our benefits',
      'please activate signature cloud support',
      'start activation',
      'activate',
      'please activate product support for gold',
      'i want to activate signature support',
    ],
    zh: [
      '激活权益',
      '激活产品支持',
      '我要激活我们的权益',
      '请激活签名云支持',
      '开始激活',
      '请帮我激活产品支持',
      '我想激活签名云支持',
    ],
  },
  'action.openIncident': {
    en: [
      'open an incident',
      'i need to open a support case',
      'create a support ticket',
      'new incident',
      'raise a case with microsoft',
      'our sql server is down, open a ticket',
      'open a case for a cloud product',
    ],
    zh: [
      '开一个事件',
      '我要提交支持案例',
      '创建支持工单',
      '新建事件',
      '帮我开个工单',
      '我想提交一个云产品的案例',
    ],
  },
  'action.myIncidents': {
    en: [
      'my incidents',
      'show my support cases',
      'list my tickets',
      'what incidents have i opened',
      'my open cases',
      'status of my incidents',
    ],
    zh: ['我的事件', '查看我的支持案例', '列出我的工单', '我开了哪些事件', '我的案例状态'],
  },
  'action.closeIncident': {
    en: [
      'close an incident',
      'close incident INC-7K2Q9XMA',
      'the problem is solved, close my case',
      'close ticket',
      'please close inc-abcd2345',
      'resolve and close my incident',
    ],
    zh: ['关闭事件', '关闭事件 INC-7K2Q9XMA', '问题解决了，关闭我的案例', '关闭工单', '请关闭 inc-abcd2345'],
  },
  'action.activationStatus': {
    en: [
      'what is the activation status',
      'is our benefit activated yet',
      'status of my activation request',
      'has the activation gone through',
      'is activation still pending',
      'activation status',
    ],
    zh: ['激活状态是什么', '我们的权益激活了吗', '激活请求的状态', '激活完成了吗', '激活还在等待中吗'],
  },
  help: {
    en: [
      'help',
      'what can you do',
      'how do i use this bot',
      'what can i ask you',
      'show me the commands',
      'HELP ME',
    ],
    zh: ['帮助', '你能做什么', '怎么使用这个机器人', '我可以问什么', '显示命令'],
  },
  cancel: {
    en: ['cancel', 'stop', 'never mind', 'forget it', 'quit', 'abort'],
    zh: ['取消', '停止', '算了', '不用了', '退出'],
  },
  greeting: {
    en: ['hello', 'hi there', 'good morning', 'hey', 'hi bot', 'hello, anyone there?'],
    zh: ['你好', '嗨', '早上好', '您好', '哈喽'],
  },
  none: {
    en: [
      "what's the weather tomorrow",
      'tell me a joke',
      'how do i reset my printer',
      'book a meeting room for friday',
      'who won the football game',
      'order pizza for the team',
      'translate this into french',
      'what is the capital of australia',
      'what time is it in tokyo',
    ],
    zh: [
      '明天天气怎么样',
      '讲个笑话',
      '打印机怎么重置',
      '帮我订周五的会议室',
      '昨晚足球比赛谁赢了',
      '给团队订披萨',
      '把这句话翻译成法语',
      '澳大利亚的首都是哪里',
      '上海明天下雨吗',
      '北京的人口是多少',
    ],
  },
};

export const CORPUS: readonly Example[] = (
  Object.entries(PHRASINGS) as [Intent, { en: string[]; zh: string[] }][]
).flatMap(([intent, byLanguage]) =>
  (['en', 'zh'] as const).flatMap((language) =>
    byLanguage[language].map((text, i) => ({ intent, language, text, heldOut: i % 4 === 3 })),
  ),
);

export const TRAINING_SET: readonly Example[] = CORPUS.filter((e) => !e.heldOut);
export const HELD_OUT_SET: readonly Example[] = CORPUS.filter((e) => e.heldOut);
