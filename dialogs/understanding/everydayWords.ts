/**
 * How people really write about this product, mapped onto the words the lexicon knows: the key
 * words typos are corrected towards, everyday synonyms, Taiwan and Hong Kong vocabulary, and
 * common pinyin slips. normalise.ts applies them; the classifier never sees the originals.
 */

/** English key words a misspelt word may be corrected to (lower case, 4 letters or more). */
export const KEY_WORDS: readonly string[] = (
  'incident incidents ticket tickets case cases benefit benefits activate activated activating ' +
  'activation activations expire expires expired expiry expiration support technical signature ' +
  'cloud competency competencies access contract remaining remain remains status pending partner ' +
  'center centre premier advanced product products account accounts authorized authorised ' +
  'authorization entitlement entitlements include includes included membership silver gold action ' +
  'pack dashboard article articles documentation security analytics platform productivity ' +
  'application applications development infrastructure alerts alert notification notifications ' +
  'mute unmute settings close closed open opened create help show list processed process roles ' +
  'role admin administrator global customer customers azure request requests permission allowed ' +
  'resolve resolved solved channel quota premises paid plans plan level levels offer offers ' +
  'cancel microsoft'
).split(' ');

/**
 * Real English words within correcting distance of a key word (same first letter; one edit up to
 * 7 letters, two from 8): never "corrected". Made once from Debian's `wamerican` word list with
 * scripts/spellingNeighbours.js, plus a few product names; "incidence" stays "incidence".
 */
export { KNOWN_NEIGHBOURS } from './spellingNeighbours';

/** English rewrites: [pattern, replacement], applied in order to lower-case text. */
export const EN_SYNONYMS: readonly (readonly [RegExp, string])[] = [
  [/\b(perks?|goodies|allowances?|privileges?)\b/g, 'benefits'],
  [/\bsupport (calls?|credits?|quota)\b/g, 'support incidents'],
  [/\b(i|we) (raised|filed|logged|lodged|submitted|created|put in)\b/g, '$1 opened'],
  [
    /\b(log|file|lodge|put in|raise|submit)\b(?=(?: (?:a|an|one|another|new|the|our|my|support))* (?:ticket|case|incident|request))/g,
    'open',
  ],
  [/\b(tickets?|cases?|incidents?|requests?)\b(.{0,30}) (log|file|lodge|raise|submit)\b/g, '$1$2 open'],
  [/\b(lapse[sd]?|lapsing)\b/g, 'expire'],
  [/\b(end date|valid until|valid till|good until|good till)\b/g, 'expiry'],
  [/\b(up|due) for renewal\b|\brenewal date\b/g, 'expiry'],
  [
    /\bwhen (do|does|will|should|must) (we|i|you|they|it|our [a-z ]{1,40}) (need to |have to )?(be )?renew(ed)?\b/g,
    'when does it expire',
  ],
  [/\bvalid(ity)?\b/g, 'last'],
  [/\b(?:any|an|the latest) (?:update|news|progress) (?:on|about|for)\b/g, 'status of'],
  [/\b(?:get|got|been|was|is|be) approved\b/g, 'gone through'],
];

/** Rewrites that mean "activate" or "close" except about alerts ("enable notifications" is unmuting). */
export const EN_SYNONYMS_NOT_ABOUT_ALERTS: readonly (readonly [RegExp, string])[] = [
  [/\b(enable|switch on|turn on|unlock|claim|redeem)\b/g, 'activate'],
  [/\b(enabled|switched on|turned on|unlocked|claimed|redeemed)\b/g, 'activated'],
  [/\b(enabling|switching on|turning on|unlocking|claiming|redeeming)\b/g, 'activating'],
  [/\b(live|active) (yet|now|already)\b/g, 'activated $2'],
  [/\b(go|goes|gone|went|going) live\b/g, 'activated'],
  [/\bshut\b/g, 'close'],
  [/\bmark (.{0,24}) as (resolved|done|closed|fixed|solved)\b/g, 'close $1'],
  [/\b(is|got|been|was) (fixed|sorted)\b/g, 'is solved'],
];

/** Written Cantonese (zh-HK), after conversion to Simplified characters, in Mandarin words. */
const CANTONESE: readonly (readonly [RegExp, string])[] = [
  [/点样/g, '怎么'],
  [/几多/g, '多少'],
  [/几耐/g, '多久'],
  [/几时/g, '什么时候'],
  [/边个/g, '谁'],
  [/边度/g, '哪里'],
  [/边啲/g, '哪些'],
  [/睇/g, '看'],
  [/冇/g, '没有'],
  [/咩/g, '什么'],
  [/嘅/g, '的'],
  [/哋/g, '们'],
  [/咗/g, '了'],
  [/仲(?=[有剩未可能要])/g, '还'],
  [/闩/g, '关闭'],
  [/[俾畀](?=[我你佢])/g, '给'],
  [/唔/g, '不'],
  [/喺/g, '在'],
  [/啲/g, '些'],
];

/** Taiwan (and Hong Kong) product words, after conversion to Simplified characters. */
const REGIONAL: readonly (readonly [RegExp, string])[] = [
  [/云端/g, '云'],
  [/签章/g, '签名'],
  [/存取/g, '访问'],
  [/合约/g, '合同'],
  [/全域/g, '全局'],
  [/使用者/g, '用户'],
  [/[帐账]号/g, '帐户'],
  [/支援/g, '支持'],
  [/(?<!解决)方案/g, '计划'],
  // "这个案子" is "这个" + "案子", not "这" + "个案" + "子".
  [/案件|(?<![这那一几两哪])个案|案子/g, '案例'],
  // Competencies as Microsoft names them in Taiwan, after conversion, to their mainland names.
  [/应用程序开发/g, '应用开发'],
  [/企业行动(性)?管理/g, '企业移动性管理'],
  [/云商务应用(程序)?/g, '云业务应用'],
  [/共同作业(与|和)内容/g, '协作和内容'],
  [/中小型企业云解决方案/g, '小型和中型云解决方案'],
  [/专案(与|和)专案组合管理/g, '项目和项目组合管理'],
];

/** Everyday Mandarin for the lexicon's words. */
const MANDARIN: readonly (readonly [RegExp, string])[] = [
  [/何时/g, '什么时候'],
  [/还有(?=[^，。]{0,3}(?:多少|几))/g, '还剩'],
  [/好处/g, '权益'],
  [/单子|问题单|故障单|服务单|支持单|请求单/g, '工单'],
  [/我(?:提|报|提交|创建|开)的/g, '我开了的'],
  [/[报提](?=[一个张]{0,2}(?:工单|事件|案例|支持请求))/g, '开'],
  [/到期|失效|截止/g, '过期'],
  // "福利到什么时候", "能用到哪天": until when, not "快递什么时候到".
  [/(?<!等)(?:能用|可以用|有效)?到(什么时候|哪天|几号|何时)(?:为止)?/g, '什么时候过期'],
  // "批下来没有": approved yet.
  [/批(?:下来|准)?了?(?:没有|没|吗)/g, '通过了吗'],
  [/申请/g, '请求'],
  [/(什么时候|哪天|何时)(要|需要|得)?续(签|约|期|费)/g, '什么时候过期'],
];

/** As MANDARIN, but only in messages that are not about alerts ("开启提醒" is unmuting). */
export const ZH_SYNONYMS_NOT_ABOUT_ALERTS: readonly (readonly [RegExp, string])[] = [
  [/开通|启动|启用|开起来/g, '激活'],
  // Incidents counted as "次数", "额度", "单" (not quota alerts' "配额"): how many are left.
  [/的?(?:次数|额度)/g, '事件'],
  [/几次/g, '几个事件'],
  [/([报开提])(几|多少)个?单/g, '$1$2个工单'],
  [/关掉|关了|关上/g, '关闭'],
];

/** Alerts are turned on with 启用, not activated, whatever the Taiwan converter made of 啟用. */
export const ZH_ALERTS: readonly (readonly [RegExp, string])[] = [
  [/激活(?=[^，。]{0,4}(?:提醒|通知))/g, '启用'],
];

export const ZH_REWRITES: readonly (readonly [RegExp, string])[] = [...CANTONESE, ...REGIONAL, ...MANDARIN];

/**
 * Pinyin input slips: a key word typed with one character swapped for another of the same sound
 * (全益 for 权益). Made from homophones of each character; slips that are real words
 * ("按例", "是件") are left out, so they never change meaning.
 */
const HOMOPHONES: Record<string, string> = {
  权: '全泉拳',
  益: '意易议亿',
  激: '机基鸡击积',
  活: '火伙或',
  事: '市式世',
  件: '见建间健键',
  工: '公功供',
  单: '丹担',
  过: '国果',
  期: '七齐',
  状: '壮装',
  态: '太泰台',
  剩: '胜圣',
  余: '于鱼',
  案: '暗',
  例: '力立',
  福: '服富',
  支: '只知之',
  持: '迟池驰',
};
const SLIP_WORDS = ['权益', '激活', '事件', '工单', '过期', '状态', '剩余', '案例', '福利', '支持'];
/** Slips that are words of their own. */
const REAL_WORDS = new Set(['按例', '服利', '只持', '之持', '知持', '支池', '积活', '国期', '果期']);

export const PINYIN_SLIPS: ReadonlyMap<string, string> = new Map(
  SLIP_WORDS.flatMap((word) =>
    [...word].flatMap((ch, i) =>
      [...(HOMOPHONES[ch] ?? '')].map((slip) => [word.slice(0, i) + slip + word.slice(i + 1), word] as const),
    ),
  ).filter(([slip]) => !REAL_WORDS.has(slip)),
);
