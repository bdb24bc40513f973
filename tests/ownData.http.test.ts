/**
 * Answers from the organisation's own data (issue 13), through the bot over real HTTP with the
 * demo organisation: named benefits' expiry, IDs, rejection reason, pending request, incidents
 * left; short follow-ups ("it", "那个") for a limited time; the wrong-intent kinds; the
 * organisation's incidents for support leads and admins. Figures are read from the database,
 * never written into the test.
 */
import { expect } from 'chai';
import { addDays, daysBetween, fixedClock } from '../services/domain/clock';
import { MESSAGES } from '../services/domain/facts';
import type { Benefit, MembershipOffer } from '../services/domain/types';
import { DEMO_TENANT, startTestBot, visibleText, type DemoUser, type TestBot } from './helpers/botHttp';
import { incidentInput } from './helpers/fixtures';

const NOW = '2026-06-15T09:00:00Z';
const TODAY = NOW.slice(0, 10);

describe('answers from the organisation’s own data (named benefits, follow-ups, the organisation’s incidents)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let clock: ReturnType<typeof fixedClock>;
  let offers: MembershipOffer[];
  let benefits: Benefit[];
  let conversation = 0;

  before(async () => {
    clock = fixedClock(NOW);
    bot = await startTestBot({ ALERTS_ENABLED: 'false', TURN_LIMITS: 'off' }, { clock });
    [offers, benefits] = await bot.app.store.read((tx) =>
      Promise.all([tx.offers.list(DEMO_TENANT), tx.benefits.list(DEMO_TENANT)]),
    );
  });
  after(() => bot.close());
  beforeEach(() => clock.set(NOW));

  const offer = (id: string) => offers.find((o) => o.id === id)!;
  const benefit = (id: string) => benefits.find((b) => b.id === id)!;
  /** A fresh conversation per test: follow-ups must not leak between tests. */
  function chat(user: DemoUser, locale = 'en-US') {
    const conversationId = `a:own-data-${++conversation}`;
    return async (text: string) => visibleText(await bot.say(user, text, { locale, conversationId }));
  }

  it('when a named offer expires: its own date and the days left, in English and Chinese', async () => {
    const expires = offer('action-pack').expiresOn;
    const days = daysBetween(TODAY, expires);
    const en = await chat('member')('when does our MAPS subscription expire?');
    expect(en).to.include(`expires on ${expires}, in ${days} days`);
    expect(en).to.include('Action Pack');
    expect(en).not.to.include(offer('gold-cloud-platform').expiresOn); // only the one named
    const zh = await chat('supportLead', 'zh-CN')('银牌数据分析什么时候到期');
    const silver = offer('silver-data-analytics').expiresOn;
    expect(zh).to.include(`${silver} 到期（还有 ${daysBetween(TODAY, silver)} 天）`);
    expect(zh).to.include('数据分析');
  });

  it('nothing named: the general answer, as before', async () => {
    const text = await chat('member')('when do benefits expire');
    expect(text).to.include(MESSAGES.benefitsLast.en);
    expect(text).not.to.match(/expires on \d{4}/);
  });

  it('the Access ID of a named benefit: to those who see the card (a member), never to a CSP-only account (R4)', async () => {
    const b = benefit('gold-cloud-platform.productSupport');
    const member = await chat('member')('what is the access id of our gold cloud platform product support');
    expect(member).to.include(b.activation.accessId!).and.include(b.activation.contractId!);
    expect(member).not.to.include(benefit('gold-cloud-platform.signatureCloudSupport').activation.accessId!);
    const zh = await chat('member', 'zh-CN')('云平台签名云支持的合同 ID');
    expect(zh).to.include(benefit('gold-cloud-platform.signatureCloudSupport').activation.contractId!);
    const csp = await chat('cspOnly')('what is the access id of our gold cloud platform product support');
    expect(csp).to.include(MESSAGES.notAuthorized.en);
    expect(csp).not.to.include(b.activation.accessId!);
  });

  it('why a named activation was rejected: the stored reason, in answers and on the benefits card', async () => {
    const reason = benefit('gold-application-development.productSupport').activation.rejectedReason!;
    expect(reason.length).to.be.greaterThan(5);
    const say = chat('globalAdmin');
    expect(await say('why was the app dev product support activation rejected?')).to.include(reason);
    expect(await chat('supportLead', 'zh-CN')('应用开发的产品支持为什么被拒绝了')).to.include(reason);
    // "why was it rejected" alone: every rejected activation, never the activation dialog.
    const alone = await chat('globalAdmin')('why was it rejected');
    expect(alone).to.include(reason);
    expect(alone).not.to.match(/Request activation of/);
    expect(await say('show my benefits')).to.include(reason);
  });

  it('why an activation is still pending: its request date, the days since, and that it takes a few days (R8)', async () => {
    const b = benefit('silver-data-analytics.productSupport');
    const requested = b.activation.requestedAt!.slice(0, 10);
    clock.set(`${addDays(TODAY, 3)}T09:00:00Z`);
    const text = await chat('partnerAdmin')('why is the data analytics activation still pending?');
    expect(text).to.include(`requested on ${requested} (3 days ago)`);
    expect(text).to.include(MESSAGES.allowFewDays.en);
    clock.set(`${addDays(TODAY, 9)}T09:00:00Z`);
    expect(await chat('partnerAdmin')('why is it still pending')).to.include(
      'longer than the usual few days',
    );
  });

  it('how many incidents one named benefit has left: that benefit only', async () => {
    const b = benefit('gold-cloud-platform.productSupport');
    const text = await chat('member')('how many product support incidents are left on gold cloud platform');
    expect(text).to.include(`${b.total! - b.used} of ${b.total} left`);
    expect(text).not.to.include('Action Pack');
    const zh = await chat('member', 'zh-CN')('Action Pack 还剩几个事件');
    const ap = benefit('action-pack.productSupport');
    expect(zh).to.include(`剩余 ${ap.total! - ap.used} 个（共 ${ap.total} 个）`);
  });

  it('follow-ups: "it", "that one", "那个" mean the benefit just named, in the same conversation, for 10 minutes', async () => {
    const gadExpiry = offer('gold-application-development').expiresOn;
    const say = chat('globalAdmin');
    await say('why was the application development product support rejected');
    expect(await say('when does it expire?')).to.include(`expires on ${gadExpiry}`);
    expect(await say('that one?')).to.include('Activation rejected');
    const zh = chat('supportLead', 'zh-CN');
    await zh('银牌数据分析的产品支持为什么还在等待中');
    const silver = benefit('silver-data-analytics.productSupport');
    expect(await zh('那个还剩几个')).to.include(`剩余 ${silver.total} 个（共 ${silver.total} 个）`);
    // Another conversation knows nothing of it.
    expect(await chat('globalAdmin')('when does it expire?')).not.to.include(gadExpiry);
    // Eleven minutes later the pronoun means nothing again.
    clock.set(new Date(Date.parse(NOW) + 11 * 60_000));
    const later = await say('when does it expire?');
    expect(later).not.to.include(gadExpiry);
    expect(later).to.include(MESSAGES.benefitsLast.en);
  });

  it('a follow-up about "that activation" gives its status, not the how-to', async () => {
    const say = chat('partnerAdmin');
    await say('why is the silver product support still pending');
    const text = await say('what about that activation?');
    expect(text).to.include('Activation pending');
    expect(text).not.to.include('selects Activate');
  });

  it('activating one named benefit: the dialog for that benefit (admins); the R2 refusal for others', async () => {
    const admin = await chat('globalAdmin')('activate the application development product support');
    expect(admin).to.match(
      /Request activation of Microsoft Product Support — Gold competency \(Application Development\)\?/,
    );
    expect(admin).not.to.include('Cloud Business Applications'); // not the list of cloud competencies
    const member = await chat('member')('activate gold cloud platform signature cloud support');
    expect(member).to.include(MESSAGES.activationRoles.en);
    const done = await chat('globalAdmin')('activate the cloud platform signature cloud support');
    expect(done).to.include('Nothing to activate').and.include('Active');
  });

  it('a case about a cloud product is an incident, not the CSP Azure answer; a CSP account without permission is R4', async () => {
    const cloud = await chat('member')('open a case about our azure cloud product');
    // The kind is taken from the message (a cloud product), not asked again.
    expect(cloud).to.include('Cloud product, as you said.');
    expect(cloud).not.to.include(MESSAGES.cspAzurePlan.en);
    const csp = await chat('member')('my csp account has no permission to see the benefits');
    expect(csp).to.include(MESSAGES.notAuthorized.en);
    expect(csp).not.to.include(MESSAGES.noBenefitsYet.en);
    const zh = await chat('member', 'zh-CN')('用 CSP 账户登录后没有权限看权益');
    expect(zh).to.include(MESSAGES.notAuthorized.zh);
  });

  it('support leads and admins list the organisation’s incidents, open or all; members keep seeing their own', async () => {
    const who = (u: DemoUser) => ({
      tenantId: DEMO_TENANT,
      aadObjectId: {
        member: '00000000-0000-4000-8000-000000000004',
        globalAdmin: '00000000-0000-4000-8000-000000000001',
      }[u as 'member' | 'globalAdmin'],
    });
    const mine = await bot.app.services.incidents.open(
      who('member'),
      incidentInput('onPremises', 'own-data-1'),
    );
    const other = await bot.app.services.incidents.open(
      who('globalAdmin'),
      incidentInput('cloud', 'own-data-2'),
    );
    await bot.app.services.incidents.close(who('globalAdmin'), other.id);
    const lead = await chat('supportLead')('list all incidents of the organisation');
    expect(lead).to.include(mine.id).and.include(other.id);
    const open = await chat('supportLead', 'zh-CN')('列出组织所有未关闭的事件');
    expect(open).to.include('组织未关闭的支持事件').and.include(mine.id);
    expect(open).not.to.include(other.id);
    const admin = await chat('globalAdmin')('show all open tickets in the company');
    expect(admin).to.include(mine.id).and.not.include(other.id);
    const member = await chat('member')('list all incidents of the organisation');
    expect(member).to.include('here are yours').and.include(mine.id);
    expect(member).not.to.include(other.id);
  });
});
