/**
 * Nothing internal on screen (issue 13): the main conversations, through the bot over real HTTP,
 * as each demo person, in English and Chinese; every reply is scanned for enum names, benefit
 * ids, intents, rule numbers, "undefined"/"null"/"NaN", "[object Object]" and template braces.
 * (Every other suite's replies are scanned too, at the end of the run: replyScan.hooks.ts.)
 */
import { expect } from 'chai';
import { DEMO_USERS, startTestBot, type DemoUser, type TestBot } from './helpers/botHttp';
import { findInternalTokens, shownStrings } from './helpers/internalTokens';

const QUESTIONS = {
  en: [
    'hello',
    'help',
    'show my benefits',
    'how many incidents do we have left',
    'what is the activation status',
    'who can activate benefits',
    'how many incidents does gold get',
    'what is signature cloud support',
    'when does our action pack expire',
    'what is the access id of our gold cloud platform product support',
    'why was our application development product support rejected',
    'why is the data analytics activation still pending',
    'how many incidents are left on signature cloud support for cloud platform',
    'when does it expire',
    'my incidents',
    'list all open incidents of the organisation',
    'alert settings',
    'what is the weather tomorrow',
    'thanks!',
    'cancel',
  ],
  zh: [
    '你好',
    '帮助',
    '查看我的权益',
    '还剩几个事件',
    '激活状态是什么',
    '谁可以激活权益',
    '金牌有多少个事件',
    '签名云支持是什么',
    'Action Pack 什么时候到期',
    '金牌云平台产品支持的访问 ID 是什么',
    '应用开发的产品支持为什么被拒绝了',
    '数据分析的激活为什么还在等待中',
    '云平台的签名云支持还剩几个事件',
    '它什么时候到期',
    '我的事件',
    '列出组织所有未关闭的事件',
    '提醒设置',
    '明天天气怎么样',
    '谢谢',
    '取消',
  ],
  // Traditional Chinese, Taiwan words (issue 13): the same conversation as zh-TW users type it.
  tw: [
    '哈囉',
    '幫助',
    '查看我們的權益',
    '還剩幾個案件',
    '啟用狀態是什麼',
    '誰可以啟用權益',
    '金牌能力有多少個事件',
    '簽章雲端支援是什麼',
    'Action Pack 什麼時候到期',
    '金牌雲端平台產品支援的存取 ID 是什麼',
    '應用程式開發的產品支援為什麼被拒絕',
    '資料分析的啟用為什麼還在審核中',
    '雲端平台的簽章雲端支援還剩幾個案件',
    '它什麼時候到期',
    '我的支援案件',
    '列出公司所有未關閉的案件',
    '幫我開通簽章雲端支援',
    '提醒設定',
    '明天天氣如何',
    '謝謝',
    '取消',
  ],
};

describe('nothing internal on screen: the main conversations as each demo person, in English, Simplified and Traditional Chinese', function () {
  this.timeout(120_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot({ ALERTS_ENABLED: 'false', TURN_LIMITS: 'off' })));
  after(() => bot.close());

  it('the scan finds what it must: a raw state, a rule number, an id, a brace, undefined', () => {
    // The remaining-incidents text as it was before issue 13 printed states like this.
    const before = '- Microsoft Product Support (Silver competency, Data Analytics): 15 of 15 left [pending]';
    expect(findInternalTokens(before).map((f) => f.token)).to.deep.equal(['[pending]']);
    const footer = 'Source: Partner Center: “MPN benefits – technical support incidents” (R11, R13)';
    expect(findInternalTokens(footer).map((f) => f.token)).to.deep.equal(['R11', 'R13']);
    for (const bad of [
      'gold-cloud-platform.productSupport',
      'status notActivated',
      'action.showBenefits',
      'left: undefined',
      'NaN left',
      '[object Object]',
      'Hello ${name}',
      '{{name}}',
      'null',
    ])
      expect(findInternalTokens(bad), bad).to.not.deep.equal([]);
    for (const fine of [
      'Activation pending',
      'Gold competency: Cloud Platform (cloud competency)',
      'Windows Server 2022',
      '剩余 2 个（共 20 个）',
    ])
      expect(findInternalTokens(fine), fine).to.deep.equal([]);
  });

  for (const user of Object.keys(DEMO_USERS) as DemoUser[]) {
    for (const [lang, locale] of [
      ['en', 'en-US'],
      ['zh', 'zh-CN'],
      ['tw', 'zh-TW'],
    ] as const) {
      it(`${user} (${locale}): every reply is in the person's words`, async () => {
        const conversationId = `a:words-${user}-${lang}`;
        const findings: string[] = [];
        let shown = 0;
        for (const q of QUESTIONS[lang]) {
          const replies = await bot.say(user, q, { locale, conversationId });
          expect(replies.length, `no reply to "${q}"`).to.be.greaterThan(0);
          for (const reply of replies) {
            for (const s of shownStrings(reply)) {
              shown++;
              for (const f of findInternalTokens(s))
                findings.push(`"${q}" → ${f.kind} ${f.token}: ${f.text}`);
            }
          }
        }
        expect(shown).to.be.greaterThan(QUESTIONS[lang].length);
        expect(findings).to.deep.equal([]);
      });
    }
  }
});
