/**
 * Traditional Chinese over real HTTP (issue 13): zh-TW and zh-HK users ask in Traditional
 * characters, in their own words, and get text and cards in Traditional characters, with the
 * same figures a zh-CN user gets.
 */
import { expect } from 'chai';
import { Converter } from 'opencc-js';
import { VERBS } from '../cards';
import { cardProblems } from './helpers/adaptiveCards';
import { cardsIn, startTestBot, visibleText, type BotActivity, type TestBot } from './helpers/botHttp';

// Character by character: a Traditional character converts to itself, while any Simplified-only
// one ("权", "术", "余") would be changed. (Whole phrases may legitimately differ: 儀表板/儀錶板.)
const TO_TRADITIONAL = {
  'zh-TW': Converter({ from: 'cn', to: 'tw' }),
  'zh-HK': Converter({ from: 'cn', to: 'hk' }),
} as const;

function expectTraditional(activities: BotActivity[], locale: keyof typeof TO_TRADITIONAL): string {
  const text = visibleText(activities);
  expect(text, 'some Chinese').to.match(/[\u4e00-\u9fff]{4}/);
  const simplifiedOnly = [...new Set(text)].filter((c) => TO_TRADITIONAL[locale](c) !== c);
  expect(simplifiedOnly, 'Simplified-only characters').to.deep.equal([]);
  return text;
}

describe('Traditional Chinese over HTTP (zh-TW, zh-HK)', function () {
  this.timeout(30_000);
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot();
  });
  after(async () => bot.close());

  it('a zh-TW user asks in Traditional and gets the benefits card in Traditional, with the right figures', async () => {
    const replies = await bot.say('partnerAdmin', '查看我們的技術支援權益', { locale: 'zh-TW' });
    const cards = cardsIn(replies);
    expect(cards).to.have.length(1);
    expect(cardProblems(cards[0])).to.deep.equal([]);
    const text = expectTraditional(replies, 'zh-TW');
    expect(text).to.include('技術支援權益'); // Taiwan words: 支持 → 支援
    expect(text).to.include('剩餘 2 個（共 20 個）');
    expect(text).to.include('無限制');
    // The same figures as the Simplified card, character for character once converted.
    const simplified = visibleText(await bot.say('partnerAdmin', '查看我的权益', { locale: 'zh-CN' }));
    expect(text.match(/\d+/g)).to.deep.equal(simplified.match(/\d+/g));
    expect(simplified).to.include('技术支持权益');
  });

  it('a zh-HK user asks in Cantonese and gets the benefits card in Hong Kong characters', async () => {
    const replies = await bot.say('partnerAdmin', '睇下我哋嘅權益', { locale: 'zh-HK' });
    const cards = cardsIn(replies);
    expect(cards).to.have.length(1);
    expect(cardProblems(cards[0])).to.deep.equal([]);
    const text = expectTraditional(replies, 'zh-HK');
    expect(text).to.include('技術支持權益');
    expect(text).to.include('剩餘 2 個（共 20 個）');
  });

  it('text answers, fact answers and the help card are Traditional too', async () => {
    const remaining = await bot.say('partnerAdmin', '我哋仲有幾多個事件', { locale: 'zh-HK' });
    expect(expectTraditional(remaining, 'zh-HK')).to.match(/剩餘|剩下/);
    const howTo = await bot.say('member', '怎麼啟用技術支援權益', { locale: 'zh-TW' });
    const answer = expectTraditional(howTo, 'zh-TW');
    expect(answer).to.include('合作夥伴中心'); // Microsoft's Taiwan name, not OpenCC's 合作伙伴
    expect(answer).to.include('啟用'); // Taiwan says 啟用 where the mainland says 激活
    expectTraditional(await bot.say('member', '幫助', { locale: 'zh-TW' }), 'zh-TW');
  });

  it('a card action (invoke) is answered with a Traditional card', async () => {
    const replies = await bot.invoke('partnerAdmin', VERBS.refreshBenefits, {}, { locale: 'zh-TW' });
    const cards = cardsIn(replies);
    expect(cards).to.have.length(1);
    expect(expectTraditional(replies, 'zh-TW')).to.include('技術支援權益');
  });

  it('zh-CN users still get Simplified characters, and English users English', async () => {
    expect(visibleText(await bot.say('partnerAdmin', '查看我的权益', { locale: 'zh-CN' }))).to.include(
      '剩余 2 个',
    );
    expect(visibleText(await bot.say('partnerAdmin', 'show my benefits', { locale: 'en-US' }))).to.match(
      /\d+ of 20 left/,
    );
  });
});
