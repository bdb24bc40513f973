/**
 * What a new partner ran into (issue 13, second pass), through the bot over real HTTP with the
 * demo organisation: the locale from Teams' clientInfo entity, a cloud or on-premises case
 * pre-selecting the incident kind, the benefit picked in the activation dialog becoming "it",
 * "switch on / 怎么激活 Signature Cloud Support" starting activation (R2 refusal for others),
 * a new question typed while a button prompt waits, "it" after an answer about an offer's two
 * benefits, and off-topic messages with loose words falling back.
 */
import { expect } from 'chai';
import { Converter } from 'opencc-js';
import { PROMPTS } from '../dialogs/prompts';
import { MESSAGES } from '../services/domain/facts';
import { activity, startTestBot, visibleText, type DemoUser, type TestBot } from './helpers/botHttp';

describe('a new partner’s conversations (locale, incident kind, focus, activation by name, new questions)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let conversation = 0;
  before(async () => (bot = await startTestBot({ ALERTS_ENABLED: 'false', TURN_LIMITS: 'off' })));
  after(() => bot.close());

  function chat(user: DemoUser, locale = 'en-US') {
    const conversationId = `a:new-user-${++conversation}`;
    return async (text: string) => visibleText(await bot.say(user, text, { locale, conversationId }));
  }

  /** A message with no activity.locale, only Teams' clientInfo entity (some clients send just that). */
  async function sayWithClientInfo(user: DemoUser, text: string, locale: unknown) {
    const a: Record<string, unknown> = activity(
      user,
      { type: 'message', text, entities: [{ type: 'clientInfo', locale, platform: 'Web' }] },
      { conversationId: `a:client-info-${++conversation}` },
    );
    delete a.locale;
    const { status, activities } = await bot.post(a);
    expect(status).to.be.oneOf([200, 201]);
    return visibleText(activities);
  }

  it('the clientInfo locale is honoured when activity.locale is missing: zh-TW in Traditional, zh-CN in Simplified', async () => {
    const toTraditional = Converter({ from: 'cn', to: 'tw' });
    const tw = await sayWithClientInfo('member', '誰可以啟用權益', 'zh-TW');
    expect(tw).to.match(/[\u4e00-\u9fff]{4}/);
    expect(
      [...new Set(tw)].filter((c) => toTraditional(c) !== c),
      'Simplified-only characters',
    ).to.deep.equal([]);
    expect(tw).to.include('全域管理員');
    const cn = await sayWithClientInfo('member', '谁可以激活权益', 'zh-CN');
    expect(cn).to.include(MESSAGES.activationRoles.zh);
    // Not a language tag: ignored, English as before.
    const en = await sayWithClientInfo('member', 'who can activate benefits', '<script>');
    expect(en).to.include(MESSAGES.activationRoles.en);
  });

  it('a case about a cloud product skips the kind question and says which kind it took; on-premises likewise', async () => {
    const cloud = await chat('globalAdmin')('our azure tenant is down, open a case');
    expect(cloud).to.include(PROMPTS.kindTaken(PROMPTS.kindCloud.en).en);
    expect(cloud).to.include('Signature Cloud Support');
    expect(cloud).to.include(PROMPTS.product.en);
    expect(cloud).not.to.include(PROMPTS.incidentKind.en);

    const onPremises = await chat(
      'partnerAdmin',
      'zh-CN',
    )('我们的 SQL Server 本地部署出问题了，帮我开个工单');
    expect(onPremises).to.include(PROMPTS.kindTaken(PROMPTS.kindOnPremises.zh).zh);
    expect(onPremises).to.include('产品支持');

    // Nothing said about the product: asked, as before. CSP Azure is never guessed (R3, R16).
    const asked = await chat('globalAdmin')('open a support case');
    expect(asked).to.include(PROMPTS.incidentKind.en);
    const azure = await chat('adminAgent')('open a case for our customer’s azure subscription');
    expect(azure).to.include(PROMPTS.kindTaken(PROMPTS.kindCloud.en).en);
    const csp = await chat('adminAgent')('open a csp case for our customer’s azure subscription');
    expect(csp).to.include(PROMPTS.kindTaken(PROMPTS.kindCspAzure.en).en);
  });

  it('the benefit picked in the activation dialog becomes "it", even when the request is not sent', async () => {
    const say = chat('globalAdmin');
    const choose = await say('activate a benefit');
    expect(choose).to.include(PROMPTS.chooseBenefitToActivate.en);
    // Two open: the rejected Application Development product support, the Data Analytics signature support.
    expect(choose).to.include('Application Development').and.to.include('Data Analytics');
    const confirm = await say('Signature Cloud Support — Silver competency (Data Analytics)');
    expect(confirm).to.include(
      'Request activation of Signature Cloud Support — Silver competency (Data Analytics)',
    );
    // Declined (the other tests need it still open): picked is enough to be "it".
    expect(await say('no')).to.include(PROMPTS.activationCancelled.en);
    const status = await say('is it active yet?');
    expect(status).to.include('Signature Cloud Support (Silver competency: Data Analytics)');
    expect(status).not.to.include('Application Development');
  });

  it('"switch on" or "怎么激活" Signature Cloud Support starts its activation for admins, R2 for others', async () => {
    const admin = await chat('globalAdmin')('switch on signature cloud support');
    // The only signature support not active yet is the Data Analytics one: straight to its confirmation.
    expect(admin).to.include(
      'Request activation of Signature Cloud Support — Silver competency (Data Analytics)',
    );
    const zh = await chat('partnerAdmin', 'zh-CN')('怎么激活 signature cloud support');
    expect(zh).to.include('请求激活 签名云支持 — 银牌能力（数据分析）');
    const member = await chat('member')('switch on signature cloud support');
    expect(member).to.include(MESSAGES.activationRoles.en);
    expect(member).not.to.include('Request activation');
    // Nothing named: the how-to, as before.
    const howTo = await chat('member')('how do i activate benefits');
    expect(howTo).to.include(MESSAGES.activateBeforeUse.en);
  });

  it('a new question typed while a yes/no prompt waits leaves the dialog and is answered; yes and no still answer it', async () => {
    const say = chat('globalAdmin');
    expect(await say('activate the app dev product support')).to.include('Request activation of');
    const answered = await say('what is the access id of the action pack product support');
    expect(answered).to.include('AP-7741-2093');
    expect(answered).not.to.include('Request activation of');
    // The dialog is gone: "no" is not taken as an answer to it.
    expect(await say('no')).not.to.include(PROMPTS.activationCancelled.en);

    expect(await say('activate the app dev product support')).to.include('Request activation of');
    expect(await say('no')).to.include(PROMPTS.activationCancelled.en);
    const zh = chat('partnerAdmin', 'zh-CN');
    expect(await zh('激活应用开发的产品支持')).to.include('请求激活');
    expect(await zh('不')).to.include(PROMPTS.activationCancelled.zh);
  });

  it('a question typed where the incident dialog asks for a name or value is answered, and the same thing is asked again; a bare name or a title is still taken', async () => {
    const say = chat('member');
    expect(await say('open a support incident')).to.include(PROMPTS.incidentKind.en);
    expect(await say('On-premises product')).to.include(PROMPTS.product.en);
    // A request and a question at the product prompt: answered, the product asked again.
    const benefits = await say('show my benefits');
    expect(benefits).to.include('Microsoft Product Support');
    expect(benefits).to.include(PROMPTS.product.en);
    expect(benefits).not.to.include(PROMPTS.title.en);
    const left = await say('how many incidents do we have left?');
    expect(left).to.match(/\d+ of \d+/);
    expect(left).to.include(PROMPTS.product.en);
    // A bare name that happens to name a programme is the product.
    expect(await say('Partner Center')).to.include(PROMPTS.title.en);
    // The title keeps everything typed, a question too.
    expect(await say('show my benefits')).to.include(PROMPTS.description.en);
    expect(await say('The cluster node restarts every night since the last update.')).to.include(
      PROMPTS.severity.en,
    );
    expect(await say('B')).to.include('Should Microsoft contact you');
    expect(await say('no')).to.include(PROMPTS.contactName.en);
    const fact = await say('what is signature cloud support?');
    expect(fact).to.include(MESSAGES.signatureForCompetencies.en);
    expect(fact).to.include(PROMPTS.contactName.en);
    expect(await say('Jane Doe')).to.include(PROMPTS.contactEmail.en);
    expect(await say('cancel')).to.include(PROMPTS.cancelled.en);

    const zh = chat('supportLead', 'zh-CN');
    expect(await zh('开一个支持事件')).to.include(PROMPTS.incidentKind.zh);
    expect(await zh('本地产品')).to.include(PROMPTS.product.zh);
    const zhLeft = await zh('我们还剩多少个事件');
    expect(zhLeft).to.match(/剩余 \d+ 个/);
    expect(zhLeft).to.include(PROMPTS.product.zh);
    expect(await zh('SQL Server 2022')).to.include(PROMPTS.title.zh);
  });

  it('where the kind of incident is asked, a product typed answers it and is kept; the kind in other words answers it; anything else asks again', async () => {
    const say = chat('member');
    expect(await say('I need to open a case')).to.include(PROMPTS.incidentKind.en);
    const product = await say('Windows Server 2019');
    expect(product).to.include('Product: Windows Server 2019 (On-premises product).');
    expect(product).to.include(PROMPTS.title.en); // the product question is skipped
    expect(product).not.to.include(PROMPTS.product.en);
    expect(await say('cancel')).to.include(PROMPTS.cancelled.en);

    expect(await say('open a case')).to.include(PROMPTS.incidentKind.en);
    expect(await say('pizza')).to.include(PROMPTS.incidentKind.en);
    const azure = await say('Azure SQL');
    expect(azure).to.include('Product: Azure SQL (Cloud product).');
    expect(azure).to.include('Signature Cloud Support');
    expect(await say('cancel')).to.include(PROMPTS.cancelled.en);

    // "on prem" is the answer, not a question about Product Support.
    expect(await say('open a case')).to.include(PROMPTS.incidentKind.en);
    const onPrem = await say('on prem');
    expect(onPrem).to.include(PROMPTS.product.en);
    expect(onPrem).to.include('Microsoft Product Support');
    expect(await say('cancel')).to.include(PROMPTS.cancelled.en);

    const zh = chat('supportLead', 'zh-CN');
    expect(await zh('帮我开个工单')).to.include(PROMPTS.incidentKind.zh);
    expect(await zh('本地')).to.include(PROMPTS.product.zh);
    expect(await zh('取消')).to.include(PROMPTS.cancelled.zh);
    expect(await zh('帮我开个工单')).to.include(PROMPTS.incidentKind.zh);
    expect(await zh('SQL Server 2019')).to.include('产品：SQL Server 2019（本地产品）。');

    // A product named in the request itself picks the kind, as before ("SQL" alone too now).
    expect(await say('our SQL cluster is down, I need to open a case')).to.include(
      PROMPTS.kindTaken(PROMPTS.kindOnPremises.en).en,
    );
  });

  it('thanks and "ok" get a short reply; a hello or thanks before a request does not hide the request', async () => {
    const say = chat('member');
    expect(await say('thanks!')).to.equal(PROMPTS.gladToHelp.en);
    expect(await say('Thank you so much')).to.equal(PROMPTS.gladToHelp.en);
    expect(await chat('member', 'zh-CN')('谢谢')).to.equal(PROMPTS.gladToHelp.zh);
    expect(await say('ok')).to.equal(PROMPTS.gladToHelp.en);
    expect(await say('thanks, now how many incidents do we have left?')).to.match(/\d+ of \d+/);
    expect(await say('hi, open a support case')).to.include(PROMPTS.incidentKind.en);
    // Inside the dialog, thanks neither answers the button prompt nor leaves it.
    expect(await say('thanks')).to.include(PROMPTS.incidentKind.en);
    expect(await say('On-premises product')).to.include(PROMPTS.product.en);
    expect(await say('cancel')).to.include(PROMPTS.cancelled.en);
    expect(await chat('member', 'zh-CN')('你好，我们还剩几个事件')).to.match(/剩余 \d+ 个/);
  });

  it('"it" after an answer about an offer’s two benefits means both, and only them', async () => {
    const say = chat('supportLead');
    const expiry = await say('when does our gold cloud platform stuff expire');
    expect(expiry).to.include('Microsoft Product Support (Gold competency: Cloud Platform)');
    expect(expiry).to.include('Signature Cloud Support (Gold competency: Cloud Platform)');
    const left = await say('and how many incidents does it have left');
    expect(left).to.include('Microsoft Product Support (Gold competency: Cloud Platform)');
    expect(left).to.include('Signature Cloud Support (Gold competency: Cloud Platform)');
    expect(left).not.to.include('Action Pack').and.not.to.include('Data Analytics');
  });

  it('a brief question after an answer about one benefit ("status?", "and the expiry?") is about that benefit; brief small talk is not', async () => {
    const say = chat('supportLead');
    const left = await say('how many incidents are left on product support for gold cloud platform');
    expect(left).to.include('Microsoft Product Support (Gold competency: Cloud Platform)');
    const expiry = await say('and the expiry?');
    expect(expiry).to.include('Microsoft Product Support (Gold competency: Cloud Platform): expires on');
    expect(expiry).not.to.include('Action Pack');
    const status = await say("what's the status?");
    expect(status).to.include('Microsoft Product Support (Gold competency: Cloud Platform)');
    expect(status).not.to.include('Data Analytics');
    expect(await say("what's the weather?")).to.include("I didn't get that");
    // Nothing in focus: a brief question alone says nothing.
    expect(await chat('member')('status?')).to.include("I didn't get that");
    const zh = chat('supportLead', 'zh-CN');
    expect(await zh('金牌云平台的产品支持还剩几个事件')).to.include('剩余 2 个');
    expect(await zh('到期时间呢？')).to.match(
      /Microsoft 产品支持（金牌能力：云平台）：\d{4}-\d{2}-\d{2} 到期/,
    );
  });

  it('off-topic messages with loose words (expires, article, last week, customers, case) fall back', async () => {
    for (const [text, locale] of [
      ['my passport expires next month, how do i renew it', 'en-US'],
      ['please summarise this article for me', 'en-US'],
      ['what did we talk about last week', 'en-US'],
      ['i dropped my phone case in the lake', 'en-US'],
      ['我的护照什么时候到期', 'zh-CN'],
      ['幫我總結這篇文章', 'zh-TW'],
    ]) {
      const reply = await chat('member', locale)(text);
      const fallback =
        locale === 'en-US'
          ? "I didn't get that"
          : locale === 'zh-CN'
            ? '我没有理解这个问题'
            : '我沒有理解這個問題';
      expect(reply, text).to.include(fallback);
    }
  });
});
