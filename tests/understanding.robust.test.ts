/**
 * How people type (issue 13): typos, everyday synonyms, mixed Chinese and English, long messages
 * and Traditional Chinese, measured on phrasings the classifier never trained on
 * (helpers/robustPhrasings.ts), and off-topic messages that must still fall back.
 */
import { expect } from 'chai';
import { Converter } from 'opencc-js';
import { createClassifier } from '../dialogs/understanding/classifier';
import { CORPUS } from '../dialogs/understanding/corpus';
import { chineseVariantOf } from '../dialogs/language';
import { editDistance, normalise, questionOf } from '../dialogs/understanding/normalise';
import { FRESH } from './helpers/freshPhrasings';
import {
  OFF_TOPIC_DEV,
  OFF_TOPIC_TEST,
  ROBUST_DEV,
  ROBUST_TEST,
  type Kind,
  type Phrasing,
} from './helpers/robustPhrasings';

const classifier = createClassifier();
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function accuracy(set: readonly Phrasing[]): number {
  return (
    set.filter(([, intent, text, locale]) => classifier.classify(text, locale).intent === intent).length /
    set.length
  );
}

function falseConfident(set: readonly (readonly [string, string])[]): number {
  return (
    set.filter(([text, locale]) => classifier.classify(text, locale).intent !== 'none').length / set.length
  );
}

describe('understanding how people type (typos, synonyms, mixed, long, Traditional)', () => {
  // Floors under the figures measured when this landed (in the report and README), with room
  // for one or two phrasings per kind: a change that breaks a kind fails here.
  const FLOORS: Record<Kind, number> = {
    typo: 0.95,
    synonym: 0.9,
    mixed: 0.85,
    long: 0.75,
    traditional: 0.9,
  };
  for (const kind of Object.keys(FLOORS) as Kind[]) {
    it(`${kind}: held-out accuracy at least ${pct(FLOORS[kind])}`, () => {
      const dev = ROBUST_DEV.filter((p) => p[0] === kind);
      const test = ROBUST_TEST.filter((p) => p[0] === kind);
      const all = accuracy([...dev, ...test]);
      console.log(
        `      ${kind}: ${pct(all)} (tuning set ${pct(accuracy(dev))}, n=${dev.length}; untouched set ${pct(accuracy(test))}, n=${test.length})`,
      );
      expect(all).to.be.at.least(FLOORS[kind]);
    });
  }

  it('the set measured only at the end is at least 90 % right overall, and in each language', () => {
    const all = accuracy(ROBUST_TEST);
    const en = accuracy(ROBUST_TEST.filter((p) => !p[3].startsWith('zh')));
    const zh = accuracy(ROBUST_TEST.filter((p) => p[3].startsWith('zh')));
    console.log(`      untouched set: ${pct(all)} (en ${pct(en)}, zh ${pct(zh)}, n=${ROBUST_TEST.length})`);
    expect(all).to.be.at.least(0.9);
    expect(en).to.be.at.least(0.9);
    expect(zh).to.be.at.least(0.85);
  });

  it('off-topic messages are no more often taken as on-topic than before normalisation (3 of 42)', () => {
    const dev = falseConfident(OFF_TOPIC_DEV);
    const test = falseConfident(OFF_TOPIC_TEST);
    const all = falseConfident([...OFF_TOPIC_DEV, ...OFF_TOPIC_TEST]);
    console.log(
      `      off-topic taken as on-topic: ${pct(all)} (tuning ${pct(dev)}, untouched ${pct(test)})`,
    );
    expect(dev).to.equal(0);
    expect(all).to.be.at.most(3 / 42);
  });

  it('none of these phrasings is in the training corpus', () => {
    const corpus = new Set(CORPUS.map((e) => e.text.toLowerCase()));
    for (const [, , text] of [...ROBUST_DEV, ...ROBUST_TEST])
      expect(corpus.has(text.toLowerCase()), text).to.equal(false);
  });
});

describe('normalise: one step before understanding', () => {
  it('Traditional characters and Taiwan words become Simplified and mainland ones', () => {
    expect(normalise('怎麼啟用技術支援權益', 'zh-TW').text).to.equal('怎么激活技术支持权益');
    expect(normalise('有沒有付費的支援方案', 'zh-TW').text).to.equal('有没有付费的支持计划');
    expect(normalise('存取 ID 跟合約 ID', 'zh-TW').text).to.equal('访问 id 跟合同 id');
    // The locale only picks the variant: Traditional typed under zh-CN or en-US is read too.
    expect(normalise('我們還剩幾個事件', 'en-US').text).to.equal('我们还剩几个事件');
  });

  it('written Cantonese (zh-HK) becomes Mandarin', () => {
    expect(normalise('我哋仲有幾多個事件', 'zh-HK').text).to.equal('我们还剩多少个事件');
    expect(normalise('點樣激活', 'zh-HK').text).to.equal('怎么激活');
    expect(normalise('權益幾時到期', 'zh-HK').text).to.equal('权益什么时候过期');
  });

  it('Simplified Chinese is left as it was by the script conversion (the whole corpus)', () => {
    const tw = Converter({ from: 'twp', to: 'cn' });
    const hk = Converter({ from: 'hk', to: 'cn' });
    const zh = [
      ...CORPUS.filter((e) => e.language === 'zh').map((e) => e.text),
      ...FRESH.filter((f) => f[2] === 'zh').map((f) => f[1]),
    ];
    expect(zh.length).to.be.greaterThan(100);
    for (const text of zh) {
      expect(tw(text), text).to.equal(text);
      expect(hk(text), text).to.equal(text);
    }
  });

  it('misspelt key words are corrected; real words close to them are not', () => {
    expect(normalise('how many incidnets are remaning').text).to.equal('how many incidents are remaining');
    expect(normalise('shwo our benifits').text).to.equal('show our benefits');
    expect(normalise('when do our benefts expier').text).to.equal('when do our benefits expire');
    for (const real of [
      'the incidence of flu',
      'what activities',
      'our contact person',
      'a great activity',
      'the meeting',
    ])
      expect(normalise(real).text, real).to.equal(real);
    // Short words are never guessed at.
    expect(normalise('hlp').text).to.equal('hlp');
  });

  it('edit distance counts a swap of two letters as one edit and stops past the limit', () => {
    expect(editDistance('tikcet', 'ticket', 1)).to.equal(1);
    expect(editDistance('benifits', 'benefits', 2)).to.equal(1);
    expect(editDistance('recommend', 'remaining', 2)).to.equal(3);
    expect(editDistance('abc', 'abcdef', 1)).to.equal(2);
  });

  it('everyday synonyms map onto the lexicon’s words, but not about alerts', () => {
    expect(normalise('what perks do we have').text).to.equal('what benefits do we have');
    expect(normalise('log a support ticket').text).to.equal('open a support ticket');
    expect(normalise('enable product support').text).to.equal('activate product support');
    expect(normalise('enable notifications').text).to.equal('enable notifications');
    expect(normalise('帮我开通签名云支持', 'zh-CN').text).to.equal('帮我激活签名云支持');
    expect(normalise('开启提醒', 'zh-CN').text).to.equal('开启提醒');
    expect(normalise('啟用提醒', 'zh-TW').text).to.equal('启用提醒');
  });

  it('a long message is read for the sentence that asks', () => {
    const long =
      'We had a rough week with two outages and an unhappy customer. My manager wants a summary by Friday. ' +
      'Nobody here has looked at the partner program in a year. How many incidents do we have left?';
    expect(normalise(long).question).to.equal('how many incidents do we have left?');
    expect(questionOf('it has been a week since we asked. how long?')).to.equal(
      'it has been a week since we asked. how long?',
    );
    expect(normalise('how many incidents do we have left').question).to.equal(
      'how many incidents do we have left',
    );
  });

  it('locales: zh-TW and zh-Hant read Taiwan Traditional, zh-HK and zh-MO Hong Kong, zh-CN none', () => {
    expect(chineseVariantOf('zh-TW')).to.equal('tw');
    expect(chineseVariantOf('zh-tw')).to.equal('tw');
    expect(chineseVariantOf('zh-Hant')).to.equal('tw');
    expect(chineseVariantOf('zh-Hant-TW')).to.equal('tw');
    expect(chineseVariantOf('zh-HK')).to.equal('hk');
    expect(chineseVariantOf('zh-Hant-HK')).to.equal('hk');
    expect(chineseVariantOf('zh-MO')).to.equal('hk');
    expect(chineseVariantOf('zh-CN')).to.equal(null);
    expect(chineseVariantOf('zh-Hans')).to.equal(null);
    expect(chineseVariantOf('en-US')).to.equal(null);
    expect(chineseVariantOf(undefined)).to.equal(null);
  });
});
