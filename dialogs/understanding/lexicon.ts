/**
 * Concepts shared by English and Chinese phrasings: each becomes one feature, so a Chinese
 * training phrase teaches the model about an English question and the other way round.
 * The words come from the source document's vocabulary and how partner staff talk.
 */
/** [concept, pattern, weight]: weight 2 unless a concept is only a weak hint. */
export const CONCEPTS: readonly [string, RegExp, number?][] = [
  ['activate', /activat|turn on|激活|启用/],
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
  ['notAuthorized', /not authori[sz]ed|无权/],
  [
    'noBenefits',
    /don ?t have any benefits|no benefits|can ?t see|see no|看不到|没有任何权益|还没有任何|空的|empty/,
  ],
  ['signature', /signature|签名/],
  ['productSupport', /product supp?ort|produ?ct suport|产品支持|on.?prem|本地/],
  ['level', /\bgold\b|silver|action pack|membership level|each level|金牌|银牌|会员级别|每个.*级别/],
  [
    'entitlement',
    /how many incidents does|entitle|include|\bget\b|包含|有多少个?事件|有几个事件|compare|比较/,
  ],
  ['competency', /competenc|能力/],
  ['cloud', /cloud|云/],
  ['csp', /\bcsp\b|cloud solution provider|云解决方案提供商|customers?\b|客户/],
  ['azure', /azure/],
  [
    'paid',
    /paid|premier|advanced support|\bbuy\b|purchase|more support|付费|顶级|高级支持|购买|更多支持|support plans?|支持计划/,
  ],
  ['account', /\bmsa\b|\baad\b|accounts?\b|personal microsoft|帐户|账户/],
  ['expire', /expir|\blast\b|run out|过期|能用多久|关联多久|用完/],
  ['where', /\bwhere\b|\blink\b|\burl\b|website|dashboard|在哪|链接|网站|仪表板|去哪/],
  ['portal', /dashboard|partner center|support for business|仪表板|合作伙伴中心|支持企业/],
  ['article', /articles?\b|docs|documentation|read more|文章|文档|了解更多/],
  [
    'scope',
    /cover|kind of problems?|\bscope\b|error messages?|counts as|包括什么|哪些问题|错误消息|算一个|做什么的/,
  ],
  ['show', /\bshow\b|\blist\b|查看|显示|列出/],
  ['benefit', /benefits?\b|membership offers?|权益|会员资格/],
  ['remain', /\bleft\b|remain|\bstill\b|剩|还能|用了多少|have we used/],
  ['incident', /incidents?\b|\bcases?\b|tickets?\b|support requests?|事件|案例|工单|支持请求/],
  ['open', /\bopen\b|create|raise|\bnew\b|submit|\b开|创建|新建|提交|开个|开一个/],
  ['close', /\bclose|resolve|solved|关闭|解决/],
  ['mine', /\bmy\b|i opened|have i|我的|我开了/],
  ['status', /status|\byet\b|gone through|pending|状态|了吗|完成了吗|等待中/],
  ['help', /\bhelp\b|what can you|how do i use|commands|what can i ask|帮助|能做什么|可以问|命令|怎么使用/],
  ['cancel', /\bcancel|\bstop\b|never ?mind|forget it|\bquit\b|\babort\b|取消|停止|算了|不用了|退出/],
  ['request', /\bplease\b|i want|i need|\blet s\b|帮我|请|我要|我想/, 0.7],
  ['greet', /^(hello|hi|hey|good (morning|afternoon|evening))\b|你好|您好|嗨|哈喽|早上好/],
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
  'azure',
  'paid',
  'account',
  'expire',
  'article',
  'scope',
  'benefit',
  'incident',
  'close',
  'portal',
]);
