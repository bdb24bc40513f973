/**
 * Concepts shared by English and Chinese phrasings: each becomes one feature, so a Chinese
 * training phrase teaches the model about an English question and the other way round.
 * The words come from the source document's vocabulary and how partner staff talk.
 */
import type { Intent } from './intents';

/**
 * Chinese leaves the subject out when it is the one just talked about: "为什么被拒绝了",
 * "怎么还在等" are the whole message. Matched on the whole (normalised) message only, so
 * "为什么我的报销被拒绝了" names its own subject.
 */
export const ZERO_PRONOUN =
  /^\s*(为什么|为何|为啥|怎么)?(又|还|会|就|居然)?(被)?(拒绝|驳回|拒|没通过|没有通过|不通过|没批准|没有批准)了?(呢|啊|吗)?\s*$|^\s*(为什么|为何|为啥|怎么)?(还|一直|还是)(在)?(等待中?|等|审核中?|没(有)?(激活|通过|批准|好|处理))(呢|啊|吗)?\s*$/;

/** [concept, pattern, weight]: weight 2 unless a concept is only a weak hint. */
export const CONCEPTS: readonly [string, RegExp, number?][] = [
  [
    'activate',
    /activat|turn on(?! (the |my |our |quota )?(alert|notif))|激活|启用(?![^，。]{0,4}(提醒|通知))/,
  ],
  [
    'who',
    /\bwho\b|which role|what role|permission|allowed|can i .*myself|谁|哪个角色|什么角色|权限|才能|自己/,
  ],
  ['role', /\broles?\b|admin agent|global admin|partner admin|角色|管理员/],
  ['how', /\bhow (do|to|does)\b|\bsteps?\b|button|怎么|如何|步骤|按钮/],
  [
    'duration',
    /how long|how many days|\bdays?\b|\btake\b|taking|when will|processed|多久|几天|多长时间|什么时候完成|处理完/,
  ],
  ['ids', /access ?id|contract ?id|访问 ?id|合同 ?id/],
  [
    'notAuthorized',
    /not authori[sz]ed|unauthori[sz]ed|无权|\bno permission|lacks? (the )?permissions?|without permission|permission denied|access denied|not allowed to (see|view|open|access)|no access|没有权限|没权限|权限不足|权限不够|无法访问/,
  ],
  [
    'noBenefits',
    /don ?t have any benefits|no benefits|can ?t see|see no|看不到|没有任何权益|还没有任何|空的|empty/,
  ],
  ['signature', /signature|签名/],
  ['productSupport', /product supp?ort|produ?ct suport|产品支持|on.?prem|本地/],
  ['level', /\bgold\b|silver|action pack|membership level|each level|金牌|银牌|会员级别|每个.*级别/],
  ['entitlement', /how many incidents does|entitle|include|\bget\b|包含|有多少个?事件|有几个事件/],
  // Not a domain concept: "哪里玩比较好" and "compare laptop prices" are not about benefits.
  ['compare', /compare|比较/],
  ['competency', /competenc|能力/],
  ['cloud', /cloud|云/],
  ['csp', /\bcsp\b|cloud solution provider|云解决方案提供商/],
  // Everyone has customers: on its own, not a sign the message is about CSP (WEAK_DOMAIN_CONCEPTS).
  ['customer', /customers?\b|客户/],
  ['azure', /azure/],
  [
    'paid',
    /paid|premier|advanced support|\bbuy\b|purchase|more support|付费|顶级|高级支持|购买|更多支持|support plans?|支持计划/,
  ],
  ['account', /\bmsa\b|\baad\b|accounts?\b|personal microsoft|帐户|账户/],
  // The kinds of account R15 is about: on topic on their own, unlike "my bank account".
  ['accountKind', /\bmsa\b|\baad\b|azure ad|personal microsoft|个人 ?microsoft/],
  [
    'expire',
    /expir|\blast\b|run out|until when|valid until|end date|过期|到期|有效期|截止|能用多久|关联多久|用完/,
  ],
  ['where', /\bwhere\b|\blink\b|\burl\b|website|dashboard|在哪|链接|网站|仪表板|去哪/],
  ['portal', /dashboard|partner center|support for business|仪表板|合作伙伴中心|支持企业/],
  ['article', /articles?\b|docs|documentation|read more|文章|文档|了解更多/],
  // Reading on from the source article: "related articles", "next steps", "where can I read more".
  ['related', /related|next steps?|read more|learn more|further reading|相关|后续步骤|了解更多|延伸阅读/, 1],
  [
    'scope',
    /cover|kind of problems?|\bscope\b|error messages?|counts as|包括什么|哪些问题|错误消息|算一个|做什么的/,
  ],
  ['show', /\bshow\b|\blist\b|查看|显示|列出/],
  ['benefit', /benefits?\b|membership offers?|权益|福利|会员资格/],
  ['remain', /\bleft\b|remain|\bstill\b|剩|还能|用了多少|have we used/],
  // Not a phone case, a test case, "in case" or a concert ticket.
  [
    'incident',
    /incidents?\b|(?<!\b(phone|pencil|suit|brief|book|display|glasses|guitar|laptop|carrying|pillow|camera|test|use|edge|worst|best|in|upper|lower|court) )\bcases?\b|(?<!\b(concert|movie|cinema|theatre|theater|flight|plane|train|bus|parking|speeding|lottery|raffle|event|show|game|match) )\btickets?\b(?! (for|to) (the |a |an |this |that )?(concert|show|movie|film|game|match|flight|train|bus|event|festival|gig|party|play|opera|museum|zoo|park|cinema|theatre|theater))|support requests?|事件|案例|工单|支持请求/,
  ],
  [
    'open',
    /\bopen\b|create|raise|\bnew\b|submit|开立|开(?:个|一个|张|单|支持|事件|案例|工单|票)|创建|新建|提交/,
  ],
  // "未解决", "unresolved", "not closed" describe incidents still open: never a request to close one.
  [
    'close',
    /(?<!not )\bclose|(?<!un)resolve|solved|(?<![未没不])关闭(?![^，。]{0,6}(提醒|通知))|(?<![未没不])解决/,
  ],
  ['mine', /\bmy\b|i opened|have i|我的|我开了/],
  ['status', /status|\byet\b|gone through|pending|状态|了吗|完成了吗|等待中/],
  [
    'help',
    /\bhelp\b(?! (me )?(with|on|for) (my|our|the|a|an|this|some) )|what can you|are you able|how do i use|commands|what can i ask|what can i do (with|here)\b|how does (this|the) bot work|how to use (this|you)\b|帮助|能做什么|可以问|命令|怎么使用|机器人.{0,4}怎么用|怎么用.{0,4}机器人|^怎么用|如何使用(这个)?机器人|使用说明/,
  ],
  [
    'cancel',
    /\bcancel(?!.{0,30}(alert|notif))|\bstop\b(?!.{0,30}(alert|notif))|never ?mind|forget it|\bquit\b|\babort\b|取消(?![^，。]{0,6}(静音|提醒|通知))|停止(?![^，。]{0,6}(提醒|通知))|算了|不用了|退出/,
  ],
  // Quota alerts for support leads: what they are set to, muting, unmuting, and where they go.
  ['alert', /alert|notif|警报|告警|预警|提醒|通知/],
  [
    'alertSettings',
    /settings?\b|preferences?|configur|\bconfig\b|set up|(?<!un)subscri|(which|what) (quota )?(alert|notif)|设置|配置|偏好|订阅|(哪些|什么)(配额)?(提醒|通知)/,
  ],
  [
    'mute',
    /\bmute|(?<!(取消|解除).{0,4})静音|do not disturb|免打扰|勿扰|\b(stop|pause|disable|turn off|switch off|shut off|silence|snooze|cancel|unsubscribe|opt out|no more|any ?more|dont (send|want|need)|do not (send|want))\b.{0,30}(alert|notif)|(alert|notif)\w*\b.{0,20}\b(off|stop|paused?|disabled?)\b|(关闭|关掉|关了|停止|停掉|暂停|不要|别|不想|不再|不用再|屏蔽|退订|取消(?!静音))[^，。]{0,8}(提醒|通知)|(提醒|通知)[^，。]{0,6}(关闭|关掉|关了|停掉|停了|暂停)/,
  ],
  [
    'unmute',
    /unmute|un-mute|\bun mute|(取消|解除).{0,4}静音|\b(resume|restart|re-?enable|enable|turn on|switch on|start|reactivate|bring back)\b.{0,30}(alert|notif)|(alert|notif).{0,30}\b(back|again)\b|\bagain\b.{0,10}(alert|notif)|\b(turn|switch) (\w+ ){0,2}(alert|notif)\w* on\b|\bback on\b|(恢复|重新|打开|开启|启用|继续)[^，。]{0,8}(提醒|通知)|(提醒|通知)[^，。]{0,6}(打开|开启|恢复|启用)/,
  ],
  [
    'channel',
    /channel|\bhere\b|this (chat|conversation|team|thread|group)|频道|这里|这儿|此处|在此|本群|群里|这个群|这个对话|这个团队/,
  ],
  ['route', /\b(send|post|route|deliver|forward|redirect|push)|发送|发到|发在|发至|发这|推送|转发|投递/, 1],
  ['request', /\bplease\b|i want|i need|\blet s\b|帮我|请|我要|我想/, 0.7],
  // Thanks, and the "ok" or "bye" that ends an exchange: a short reply, not "I didn't get that".
  [
    'thanks',
    /\b(thanks?|thank (you|u)|thx|ty|cheers|appreciated?|much obliged|ok(ay)?|got it|cool|perfect|bye|goodbye|see you)\b|谢谢|多谢|感谢|谢了|谢啦|謝謝|多謝|感謝|好的|明白了|知道了|再见|拜拜/,
  ],
  [
    'greet',
    /^(hello|hi|hey|good (morning|afternoon|evening))\b|你好|您好|嗨|哈[喽啰罗]|早上好|早安|午安|^安安/,
  ],
  // Questions about the organisation's own activations and incidents (issue 13).
  ['why', /\bwhy\b|how come|\breasons?\b|为什么|为何|为啥|原因|怎么会/],
  [
    'rejected',
    /reject|declin|\bdenied\b|refused|turned down|not (been |get |got |getting )?approved|拒绝|驳回|没通过|没有通过|未通过|被拒|不通过|没批准|没有批准/,
  ],
  [
    'pending',
    /pending|still waiting|waiting for|not (gone through|active|activated|done) yet|等待中|还在等|审核中|还没(激活|完成|通过|处理)|一直没/,
  ],
  /** A pronoun or "that activation": the benefit the conversation was just about. */
  [
    'followUp',
    new RegExp(
      String.raw`\b(that|this|the same) (one|activation|request|benefit|offer)\b|\b(it|that|this)\b|那个|那项|这个|这项|它|` +
        ZERO_PRONOUN.source,
    ),
    0,
  ],
  [
    'thatActivation',
    /\b(that|this|the same) (one|activation|request|benefit)\b|那个激活|这个激活|那个请求|那项|它/,
    0,
  ],
  ['incidentRef', /incidentref/, 0],
  /**
   * "When does it expire?" with nothing in focus: a pronoun that expires is a benefit here (the
   * general answer), while "my passport expires" needs more than the word to be on topic.
   */
  [
    'itExpires',
    /\b(does|do|will|did|would) (it|that|this|they|that one|this one) (expire|last|run out|end)\b|\b(it|that one|this one) (expires|lasts|runs out)\b|^(它|那个|这个)?(什么时候|何时|哪天)(会)?过期/,
    0,
  ],
  /** A membership level named as one ("gold competency", "Action Pack"); "gold" alone may be a medal. */
  [
    'membershipLevel',
    /action ?pack|membership level|each level|(gold|silver) (competenc|membership|member|partner|level)|\b(get|gets|include|includes|with|for) (a |the )?(gold|silver)\b|\b(gold|silver)\b.{0,15}\b(include|includes|get|gets|give|gives|come with)\b|会员级别|每个.*级别|金牌能力|银牌能力|金牌会员|银牌会员|金牌合作伙伴|银牌合作伙伴/,
    0,
  ],
  [
    'organisation',
    /organi[sz]ation|company|\bteam\b|everyone|everybody|whole|公司|组织|团队|大家|整个|全公司/,
  ],
  ['all', /\ball\b|\bevery\b|所有|全部/, 1],
  [
    'openList',
    /\b(list|show|see|view|which|what|how many|all|any)\b.{0,25}\b(open|unresolved|outstanding|ongoing)\b.{0,10}(incidents?|cases?|tickets?)|未关闭|没关闭|未解决|进行中|处理中|还开着/,
    0,
  ],
  // Muting a microphone or a call is Teams' business, not this bot's alerts. Weight 0: it only
  // rules intents out (RULED_OUT_BY) and never counts as evidence for one.
  [
    'device',
    /microphone|\bmic\b|\bcall\b|meeting|\baudio\b|\bsound\b|speaker|camera|\bvideo\b|麦克风|话筒|声音|会议|通话|视频|摄像头/,
    0,
  ],
];

/**
 * [intent, concept, unless]: a message with the concept (and without `unless`) never gets the
 * intent, however alike its words look. "重新给我发提醒" shares most characters with
 * "不要再给我发提醒", but turning alerts back on is never a request to mute them.
 */
export const RULED_OUT_BY: readonly [Intent, string, string?][] = [
  // Issue 13, wrong intents by kind: a CSP account without permission is R4, never "no benefits";
  // naming a benefit to activate is not a question about competencies; "why … rejected" never
  // starts an activation; "that activation" asks where it stands, not how to activate.
  ['facts.noBenefits', 'csp'],
  ['facts.noBenefits', 'customer'],
  // "Open a case for our customer's Azure subscription" asks for a case, not how CSP requests work.
  ['facts.cspAzure', 'open', 'how'],
  ['facts.noBenefits', 'notAuthorized'],
  ['facts.whoCanActivate', 'notAuthorized'],
  ['facts.cloudCompetencies', 'activate'],
  ['action.activate', 'why'],
  ['action.activate', 'rejected'],
  ['action.activate', 'pending'],
  ['action.activate', 'status'],
  ['facts.howToActivate', 'rejected'],
  ['facts.howToActivate', 'thatActivation', 'how'],
  ['facts.howToActivate', 'pending'],
  // A benefit's own figures are asked about, not what the benefit is.
  ['facts.signatureCloud', 'expire'],
  ['facts.signatureCloud', 'remain'],
  ['facts.signatureCloud', 'ids'],
  ['facts.productSupport', 'expire'],
  ['facts.productSupport', 'remain'],
  ['facts.productSupport', 'ids'],
  ['facts.entitlements', 'remain'],
  ['facts.entitlements', 'expire'],
  ['action.myIncidents', 'organisation', 'mine'],
  ['action.orgIncidents', 'mine', 'organisation'],
  ['action.openIncident', 'openList'],
  ['action.activationStatus', 'how', 'status'],
  ['action.activationStatus', 'who', 'status'],
  ['action.incidentsRemaining', 'entitlement', 'remain'],
  ['action.incidentsRemaining', 'ids', 'remain'],
  ['facts.signatureCloud', 'activate'],
  ['facts.productSupport', 'activate'],
  ['facts.signatureCloud', 'rejected'],
  ['facts.productSupport', 'rejected'],
  ['facts.entitlements', 'rejected'],
  ['facts.signatureCloud', 'pending'],
  ['facts.productSupport', 'pending'],
  // "Is the silver product support active yet?" asks where it stands, not what it is.
  ['facts.signatureCloud', 'status'],
  ['facts.productSupport', 'status'],
  ['facts.cloudCompetencies', 'expire'],
  ['facts.cloudCompetencies', 'remain'],
  ['facts.cloudCompetencies', 'ids'],
  ['action.muteAlerts', 'unmute', 'mute'],
  ['action.unmuteAlerts', 'mute', 'unmute'],
  ['action.routeAlertsHere', 'mute'],
  ['action.routeAlertsHere', 'unmute'],
  ['action.muteAlerts', 'device', 'alert'],
  ['action.unmuteAlerts', 'device', 'alert'],
];

/** [intent, concepts]: an intent only for messages with at least one of these concepts. */
export const REQUIRES: readonly [Intent, readonly string[]][] = [
  // Azure for a CSP customer only when someone mentions CSP, customers or the Admin agent role (R3, R16).
  ['facts.cspAzure', ['csp', 'role', 'customer']],
  ['action.rejectionReason', ['rejected']],
  ['action.pendingReason', ['pending', 'duration']],
  ['action.orgIncidents', ['organisation', 'all', 'openList']],
  ['action.orgIncidents', ['incident']],
  // Each entry must hold: an activation request says so; an ID question names an ID.
  ['action.activate', ['activate']],
  // "Who opened the most incidents" is not about who may activate.
  ['facts.whoCanActivate', ['activate', 'role']],
  ['facts.accessContractIds', ['ids']],
  ['facts.cloudCompetencies', ['cloud']],
  // "When does the cafeteria close" is not about an incident.
  ['action.closeIncident', ['incident', 'incidentRef']],
  // Gold medals and picnics are not membership levels' entitlements.
  ['facts.entitlements', ['incident', 'benefit', 'competency', 'membershipLevel']],
];

/** [concept, unless]: with the concept (and without `unless`), these domain concepts do not make a message on topic. */
export const NOT_ON_TOPIC_WITH: readonly [string, string, readonly string[]][] = [
  ['device', 'alert', ['mute', 'unmute']],
];

/** English words that carry no meaning for these intents. */
export const STOPWORDS = new Set(
  'a an the i me my we our us you your is are am be been do does did to of for in on at with this that it its and or can could would should will please tell about there any some what'.split(
    ' ',
  ),
);

/**
 * Concepts that belong to this product's subject. A message that matches none of them
 * ("如何…", "where is it") is not about MPN benefits, however its question words look.
 */
export const DOMAIN_CONCEPTS = new Set([
  'activate',
  'role',
  'ids',
  'notAuthorized',
  'noBenefits',
  'signature',
  'productSupport',
  'level',
  'entitlement',
  'competency',
  'cloud',
  'csp',
  'customer',
  'azure',
  'paid',
  'account',
  'accountKind',
  'expire',
  'article',
  'related',
  'scope',
  'benefit',
  'incident',
  'close',
  'portal',
  'alert',
  'mute',
  'unmute',
]);

/**
 * Domain concepts made of everyday words: a passport expires, an article is summarised, a day is
 * cloudy, a shop has customers, a medal is gold. One of them alone does not make a message on
 * topic; with another domain concept, a second weak one, or a benefit named, it does.
 */
export const WEAK_DOMAIN_CONCEPTS: ReadonlySet<string> = new Set([
  'expire',
  'article',
  'related',
  'cloud',
  'customer',
  'account',
  'level',
]);

/**
 * Concepts that are on topic only with a pronoun or a benefit named: "why was it rejected" is
 * about the activation just discussed, "why is data analytics still pending" about that one;
 * "why was my pizza order rejected" is not this bot's business.
 */
export const DOMAIN_WITH_FOLLOW_UP: readonly string[] = ['rejected', 'pending'];
