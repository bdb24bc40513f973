/**
 * What TraditionalChinese (cards/traditional.ts) remembers of its conversions, texts and parts of
 * frozen cards, changes no reply: each is what a converter that remembers nothing gives.
 */
import { expect } from 'chai';
import { benefitsCard } from '../cards/benefitsCard';
import { CardRenderer } from '../cards/render';
import { TraditionalChinese } from '../cards/traditional';
import { remainingSummary } from '../dialogs/benefitAnswers';
import { activeBenefit, offer, who, world, type TestWorld } from './helpers/fixtures';

describe('Traditional Chinese conversions remembered (cards/traditional.ts)', function () {
  this.timeout(30_000);
  let w: TestWorld;
  before(async () => {
    w = await world([
      offer('gold-x', 'gold', 'Cloud Platform', {
        productSupport: activeBenefit(20),
        signatureCloudSupport: activeBenefit(3),
      }),
    ]);
  });
  after(async () => w.close());

  it('a text converted again, or for the other variant, is what a new converter gives', () => {
    const traditional = new TraditionalChinese();
    // 软件: Taiwan 軟體, Hong Kong 軟件; 5 天后: the wording fix (天後) applies to both.
    const texts = ['软件已激活', '5 天后到期', '剩余支持事件：3 个', 'no Chinese here'];
    for (let round = 0; round < 3; round++)
      for (const variant of ['tw', 'hk'] as const)
        for (const text of texts)
          expect(traditional.text(text, variant), `${variant} ${text}`).to.equal(
            new TraditionalChinese().text(text, variant),
          );
    expect(traditional.text('软件已激活', 'tw')).to.equal('軟體已啟用');
    expect(traditional.text('软件已激活', 'hk')).to.equal('軟件已激活');
  });

  it('more texts than it keeps: each still converted right when asked again', () => {
    const traditional = new TraditionalChinese();
    // About 1.2 M UTF-16 units: more than twice what is kept (MAX_KEPT_UNITS), so the first go.
    const texts = Array.from({ length: 300 }, (_, i) => `${i} 软件`.padEnd(4000, '后'));
    const first = texts.map((t) => traditional.text(t, 'tw'));
    expect(texts.map((t) => traditional.text(t, 'tw'))).to.deep.equal(first);
    expect(first[0]).to.equal(new TraditionalChinese().text(texts[0], 'tw'));
    expect(first[0].startsWith('0 軟體後')).to.equal(true);
  });

  it("each person's copy of a shared benefits card: the shared parts converted once, the person's own kept apart", async () => {
    const view = await w.services.benefits.view(who('globalAdmin'));
    expect(Object.isFrozen(view), 'a cached view').to.equal(true);
    const renderer = new CardRenderer({ cache: true });
    const traditional = new TraditionalChinese();
    const cardOf = (userId: string) =>
      benefitsCard(renderer, view, 'zh', { showActivate: true, refreshUserIds: [userId] });
    const a = cardOf('29:a');
    const b = cardOf('29:b');
    expect(a, 'a new copy per person').not.to.equal(b);
    expect(a.body, 'sharing the card').to.equal(b.body);
    const fresh = (card: object) => new TraditionalChinese().card(structuredClone(card), 'tw');
    const convertedA = traditional.card(a, 'tw');
    const convertedB = traditional.card(b, 'tw');
    expect(convertedA).to.deep.equal(fresh(a));
    expect(convertedB).to.deep.equal(fresh(b));
    expect(convertedB.refresh).to.deep.include({ userIds: ['29:b'] });
    expect(convertedB.body, 'converted once').to.equal(convertedA.body);
    expect(JSON.stringify(convertedA)).to.include('技術支援權益');
    // Hong Kong is kept apart from Taiwan.
    expect(traditional.card(b, 'hk')).to.deep.equal(new TraditionalChinese().card(structuredClone(b), 'hk'));
    expect(JSON.stringify(traditional.card(b, 'hk'))).to.include('技術支持權益');
    // The summary beside it (incidents left), asked by each person of the organisation.
    const summary = remainingSummary(view, 'zh');
    expect(traditional.text(remainingSummary(view, 'zh'), 'tw')).to.equal(
      new TraditionalChinese().text(summary, 'tw'),
    );
  });
});
