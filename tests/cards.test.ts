/** Every card the bot can send, in English and Chinese, checked by the official adaptivecards library against 1.5. */
import { expect } from 'chai';
import {
  alertCard,
  alertSettingsCard,
  activationConfirmCard,
  activationIdsFormCard,
  activationStatusCard,
  ALL_VERBS,
  answerCard,
  benefitsCard,
  helpCard,
  incidentCard,
  incidentConfirmCard,
  incidentListCard,
  MAX_REFRESH_USER_IDS,
  refusalCard,
  refusalFromError,
  welcomeCard,
  type AdaptiveCard,
  type RefusalView,
  CardRenderer,
} from '../cards';

import { factAnswer, fallbackAnswer } from '../dialogs/answers';
import { FACT_INTENTS } from '../dialogs/understanding/intents';
import * as errors from '../services/domain/errors';
import type { Language } from '../services/domain/facts';
import type { AlertPayload } from '../services/domain/types';
import { deepFreeze } from '../services/domain/freeze';
import type { BenefitsView } from '../services/domain/views';
import { Converter } from 'opencc-js';
import { TraditionalChinese } from '../cards/traditional';
import { cardBytes, cardProblems } from './helpers/adaptiveCards';
import { activeBenefit, incidentInput, offer, who, world } from './helpers/fixtures';

/** A renderer with its memo on, as the bot runs (CARD_CACHE=on). */
const renderer = new CardRenderer({ cache: true });

const LANGS: Language[] = ['en', 'zh'];
const MAX_BYTES = 28 * 1024;

function actions(card: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Action.') && !('fallbackOf' in o)) found.push(o);
      Object.entries(o).forEach(([k, v]) => k !== 'fallback' && k !== 'refresh' && walk(v));
    }
  };
  walk(card);
  return found;
}

function expectValid(name: string, card: AdaptiveCard): void {
  expect(cardProblems(card), name).to.deep.equal([]);
  expect(card.version, name).to.equal('1.5');
  expect(cardBytes(card), `${name} size`).to.be.below(MAX_BYTES);
  expect(JSON.stringify(card), `${name} unexpanded binding`).not.to.include('${');
  for (const a of actions(card)) {
    if (a.type !== 'Action.Execute') continue;
    expect(ALL_VERBS, `${name}: verb ${String(a.verb)}`).to.include(a.verb);
    const fallback = a.fallback as { type?: string; data?: { verb?: string } } | undefined;
    expect(fallback?.type, `${name}: fallback of ${String(a.verb)}`).to.equal('Action.Submit');
    expect(fallback?.data?.verb).to.equal(a.verb);
  }
}

describe('Adaptive Cards', function () {
  this.timeout(30_000);
  const cards: [string, AdaptiveCard][] = [];
  let adminView: BenefitsView;
  let memberView: BenefitsView;

  before(async () => {
    const w = await world([
      offer('ap', 'actionPack', null, { productSupport: activeBenefit(9) }),
      offer('gold-x', 'gold', 'Cloud Platform', {
        productSupport: activeBenefit(20),
        signatureCloudSupport: activeBenefit(3),
      }),
      offer('silver-y', 'silver', 'Data Analytics', {
        productSupport: { activation: 'pending', requestedBy: '00000000-0000-4000-8000-0000000000a1' },
        signatureCloudSupport: {
          activation: 'rejected',
          requestedBy: '00000000-0000-4000-8000-0000000000a1',
          rejectedReason: 'x',
        },
      }),
      offer('old', 'gold', 'Security', 'allActive', { startsOn: '2025-01-01', expiresOn: '2026-01-31' }),
    ]);
    try {
      adminView = await w.services.benefits.view(who('globalAdmin'));
      memberView = await w.services.benefits.view(who('member'));
      const onPrem = await w.services.incidents.open(who('member'), incidentInput('onPremises', 'k1'));
      const replay = await w.services.incidents.open(who('member'), incidentInput('onPremises', 'k1'));
      const cloud = await w.services.incidents.open(who('member'), incidentInput('cloud'));
      const csp = await w.services.incidents.open(who('adminAgent'), incidentInput('cspAzure'));
      const closed = { ...(await w.services.incidents.close(who('member'), cloud.id)), replayed: false };
      const benefits = adminView.offers.flatMap((o) => o.benefits.map((b) => ({ b, o })));
      for (const lang of LANGS) {
        cards.push(
          [
            `benefits admin ${lang}`,
            benefitsCard(renderer, adminView, lang, { showActivate: true, refreshUserIds: ['29:a'] }),
          ],
          [`benefits member ${lang}`, benefitsCard(renderer, memberView, lang, { showActivate: false })],
          [`incident on-prem ${lang}`, incidentCard(renderer, onPrem, lang, { canClose: true })],
          [`incident replayed ${lang}`, incidentCard(renderer, replay, lang, { canClose: true })],
          [`incident closed ${lang}`, incidentCard(renderer, closed, lang, { canClose: true })],
          [`incident csp ${lang}`, incidentCard(renderer, csp, lang, { canClose: false })],
          [`incident list ${lang}`, incidentListCard(renderer, [onPrem, closed, csp], lang, 'mine')],
          [`incident list empty ${lang}`, incidentListCard(renderer, [], lang, 'organisation')],
          [`help ${lang}`, helpCard(renderer, lang)],
          [`welcome ${lang}`, welcomeCard(renderer, lang, 'Dev')],
          [`fallback ${lang}`, answerCard(renderer, fallbackAnswer(lang), lang)],
        );
        for (const plan of ['productSupport', 'signatureCloudSupport', 'cloudSolutionProvider'] as const) {
          cards.push([
            `incident confirm ${plan} ${lang}`,
            incidentConfirmCard(
              renderer,
              {
                ...incidentInput('onPremises'),
                benefitType: plan,
                remaining: plan === 'productSupport' ? 3 : null,
              },
              lang,
              'key-1',
            ),
          ]);
        }
        for (const { b, o } of benefits) {
          cards.push(
            [
              `activation status ${b.status} ${lang}`,
              activationStatusCard(renderer, b, o, lang, { canRecord: true }),
            ],
            [`activation confirm ${b.id} ${lang}`, activationConfirmCard(renderer, b, o, lang, 'req')],
          );
        }
        cards.push([
          `activation IDs form ${lang}`,
          activationIdsFormCard(renderer, benefits[0].b, benefits[0].o, lang),
        ]);
        for (const intent of FACT_INTENTS)
          cards.push([`answer ${intent} ${lang}`, answerCard(renderer, factAnswer(intent, lang), lang)]);
        // Every alert the dispatcher sends, and the alert settings card.
        const base = {
          benefitId: 'ap.productSupport',
          benefitType: 'productSupport' as const,
          offerId: 'ap',
        };
        const payloads: AlertPayload[] = [
          ...(['half', 'eightyPercent', 'oneLeft', 'exhausted'] as const).map(
            (threshold): AlertPayload => ({
              kind: 'quotaThreshold',
              threshold,
              ...base,
              total: 10,
              used: 9,
              remaining: 1,
              incidentId: 'INC-TEST0001',
              openedBy: '00000000-0000-4000-8000-0000000000a4',
            }),
          ),
          { kind: 'benefitExpiring', ...base, expiresOn: '2026-12-31', windowDays: 7, daysLeft: 5 },
          {
            kind: 'activationChanged',
            ...base,
            from: 'pending',
            to: 'active',
            requestedBy: '00000000-0000-4000-8000-0000000000a1',
            by: 'system:admin-cli',
          },
          {
            kind: 'activationPending',
            ...base,
            requestedBy: '00000000-0000-4000-8000-0000000000a1',
            requestedAt: '2026-06-01T09:00:00Z',
            daysPending: 6,
          },
        ];
        for (const payload of payloads) {
          cards.push([
            `alert ${payload.kind} ${'threshold' in payload ? payload.threshold : ''} ${lang}`,
            alertCard(
              renderer,
              {
                payload,
                organisationName: 'Fabrikam Partners',
                offer: { level: 'actionPack', competency: null, competencyClass: null },
                names: { '00000000-0000-4000-8000-0000000000a4': 'member' },
              },
              lang,
            ),
          ]);
        }
        cards.push(
          [
            `alert settings lead ${lang}`,
            alertSettingsCard(renderer, await w.services.alerts.view(who('supportLead')), lang),
          ],
          [
            `alert settings admin ${lang}`,
            alertSettingsCard(renderer, await w.services.alerts.view(who('globalAdmin')), lang, 'x'),
          ],
        );
      }
    } finally {
      await w.close();
    }
  });

  it('the validator catches broken cards (so the checks below can fail)', () => {
    const problems = cardProblems({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBloc', text: 'x' },
        { type: 'TextBlock', text: 'y', size: 'Huge' },
        { type: 'Input.Text', id: 'a' },
        { type: 'Input.Text', id: 'a' },
      ],
    });
    expect(problems.join('\n')).to.match(/Unknown element type "TextBloc"/);
    expect(problems.join('\n')).to.match(/Invalid value "Huge"/);
    expect(problems.join('\n')).to.match(/Duplicate Id "a"/);
  });

  it('every card is valid 1.5, under 28 KB, fully expanded, with known verbs and Action.Submit fallbacks', () => {
    expect(cards.length).to.be.greaterThan(80);
    for (const [name, card] of cards) expectValid(name, card);
  });

  it('every refusal has its card, in both languages', () => {
    const all: errors.BenefitRuleError[] = [
      new errors.NotAuthorizedError('cspOnly'),
      new errors.NoBenefitsError(),
      new errors.UnknownUserError('t', 'u'),
      new errors.UnknownOrganisationError('t'),
      new errors.RoleRequiredError('activate', ['R2']),
      new errors.RoleRequiredError('cspAzureRequest', ['R3']),
      new errors.RoleRequiredError('closeIncident', ['R1']),
      new errors.BenefitNotActivatedError('productSupport', ['pending']),
      new errors.BenefitExpiredError('productSupport', '2026-01-31'),
      new errors.QuotaExceededError('productSupport', 20),
      new errors.SignatureCloudNotEntitledError(),
      new errors.NotFoundError('incident', 'INC-X'),
      new errors.ActivationStateError('active', 'record'),
      new errors.ValidationError([{ path: 'accessId', reason: 'must be 4–64 letters' }]),
    ];
    const codes = new Set<string>();
    for (const err of all) {
      for (const lang of LANGS) {
        const view: RefusalView = refusalFromError(err);
        codes.add(view.code);
        const card = refusalCard(renderer, view, lang);
        expectValid(`refusal ${err.code} ${lang}`, card);
      }
    }
    expect([...codes]).to.have.length(12);
    const quota = JSON.stringify(
      refusalCard(renderer, refusalFromError(new errors.QuotaExceededError('productSupport', 20)), 'en'),
    );
    expect(quota).to.include('https://partner.microsoft.com/support/partnersupport');
    expect(
      JSON.stringify(refusalCard(renderer, refusalFromError(new errors.NotAuthorizedError('cspOnly')), 'zh')),
    ).to.include('你无权执行此操作');
  });

  it('Activate appears only when asked for, on not-activated and rejected benefits of active offers', () => {
    const verbsOf = (card: AdaptiveCard) =>
      actions(card).map(
        (a) => `${String(a.verb)}:${String((a.data as { benefitId?: string })?.benefitId ?? '')}`,
      );
    expect(verbsOf(benefitsCard(renderer, adminView, 'en', { showActivate: true }))).to.include.members([
      'activation.start:silver-y.signatureCloudSupport',
      'activation.recordForm:silver-y.productSupport',
    ]);
    expect(
      verbsOf(benefitsCard(renderer, adminView, 'en', { showActivate: false })).filter((v) =>
        v.startsWith('activation.'),
      ),
    ).to.deep.equal([]);
    expect(verbsOf(benefitsCard(renderer, adminView, 'en', { showActivate: true }))).not.to.include(
      'activation.start:old.productSupport',
    );
  });

  it('every Chinese card in Traditional (zh-TW, zh-HK) is still valid, with only its shown words changed', () => {
    const traditional = new TraditionalChinese();
    // Character by character, a Traditional character converts to itself; a Simplified-only one does not.
    const toTraditional = {
      tw: Converter({ from: 'cn', to: 'tw' }),
      hk: Converter({ from: 'cn', to: 'hk' }),
    };
    const chinese = cards.filter(([name]) => name.endsWith(' zh'));
    expect(chinese.length).to.be.greaterThan(40);
    for (const [name, card] of chinese) {
      for (const variant of ['tw', 'hk'] as const) {
        const converted = traditional.card(card, variant);
        expectValid(`${name} ${variant}`, converted);
        const simplifiedOnly = [...new Set(JSON.stringify(converted))].filter(
          (c) => toTraditional[variant](c) !== c,
        );
        expect(simplifiedOnly, `${name} ${variant}: Simplified-only characters`).to.deep.equal([]);
        if (name.startsWith('benefits admin'))
          console.log(JSON.stringify(converted).match(/.{120}[权术剩余个开关状态].{40}/g));
        // What comes back from a click (verbs, data, ids) is untouched.
        expect(actions(converted).map((a) => [a.verb, a.data, a.id])).to.deep.equal(
          actions(card).map((a) => [a.verb, a.data, a.id]),
        );
      }
    }
  });

  it('refresh.userIds is capped at 60', () => {
    const ids = Array.from({ length: 75 }, (_, i) => `29:user-${i}`);
    const card = benefitsCard(renderer, memberView, 'en', { showActivate: false, refreshUserIds: ids });
    expect((card.refresh as { userIds: string[] }).userIds).to.have.length(MAX_REFRESH_USER_IDS);
    expect(benefitsCard(renderer, memberView, 'en', { showActivate: false }).refresh).to.equal(undefined);
  });

  it('the Chinese benefits card speaks Chinese with the exact numbers', () => {
    const text = JSON.stringify(benefitsCard(renderer, memberView, 'zh', { showActivate: false }));
    for (const s of [
      '技术支持权益',
      '剩余 1 个（共 10 个）',
      '无限制（已用 3 个）',
      '剩余 0 个（共 20 个）',
      '无剩余事件',
      '激活待处理',
      '已过期',
    ]) {
      expect(text).to.include(s);
    }
  });

  it('a benefits card with 12 offers stays under 28 KB', async () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      offer(`gold-${i}`, 'gold', i % 2 ? 'Cloud Platform' : 'Data Analytics'),
    );
    const w = await world(many);
    try {
      const view = await w.services.benefits.view(who('globalAdmin'));
      for (const lang of LANGS) {
        const card = benefitsCard(renderer, view, lang, { showActivate: true, refreshUserIds: ['29:a'] });
        expectValid(`12 offers ${lang}`, card);
        const text = JSON.stringify(card);
        for (let i = 0; i < 12; i++) expect(text).to.include(`ACC-GOLD-${i}-0001`); // nothing dropped, only compacted
        expect(actions(card).some((a) => a.verb === 'activation.start')).to.equal(false); // all active: nothing to activate
      }
    } finally {
      await w.close();
    }
  });

  it("an organisation's people share its benefits card; the refresh is each person's own", async () => {
    const w = await world([offer('gold-x', 'gold', 'Security')]);
    try {
      const r = new CardRenderer({ cache: true });
      const card = async (role: Parameters<typeof who>[0], showActivate: boolean, ids?: string[]) =>
        benefitsCard(r, await w.services.benefits.view(who(role)), 'en', {
          showActivate,
          refreshUserIds: ids,
        });
      const member = await card('member', false);
      expect(await card('supportLead', false), 'another person, the same card').to.equal(member);
      const a = await card('member', false, ['29:member']);
      const b = await card('supportLead', false, ['29:lead']);
      expect([a.refresh, b.refresh].map((x) => (x as { userIds: string[] }).userIds)).to.deep.equal([
        ['29:member'],
        ['29:lead'],
      ]);
      expect(a.body, 'the body is shared').to.equal(b.body);
      expect(Object.isFrozen(a) && Object.isFrozen(a.refresh)).to.equal(true);
      // What differs between people is in the key: an admin sees the notice and the buttons.
      const admin = await card('globalAdmin', true);
      expect(JSON.stringify(admin)).to.include('Quota alerts cannot reach supportLead');
      expect(JSON.stringify(member)).to.not.include('Quota alerts cannot reach');
      // A commit to the organisation gives a new view and so a new card.
      await w.services.incidents.open(who('member'), incidentInput('onPremises'));
      expect(await card('member', false)).to.not.equal(member);
    } finally {
      await w.close();
    }
  });

  it('two renderers in one process share neither the CARD_CACHE switch nor a memo', () => {
    // A shared (cached) view is frozen; each renderer gets its own copy of it.
    const view = deepFreeze(structuredClone(adminView));
    const on = new CardRenderer({ cache: true });
    const first = benefitsCard(on, view, 'en', { showActivate: true });
    // Another app's renderer with CARD_CACHE=off, created after: the first keeps remembering.
    const off = new CardRenderer({ cache: false });
    const a = benefitsCard(off, view, 'en', { showActivate: true });
    const b = benefitsCard(off, view, 'en', { showActivate: true });
    expect(a, 'off: built afresh every time').to.not.equal(b);
    expect(Object.isFrozen(a), 'off: nothing shared, nothing frozen').to.equal(false);
    expect(benefitsCard(on, view, 'en', { showActivate: true }), 'on: still remembered').to.equal(first);
    expect(Object.isFrozen(first)).to.equal(true);
    expect(on.cacheEnabled).to.equal(true);
    // Two renderers that both remember do not serve each other's cards (memos are per app).
    const other = new CardRenderer({ cache: true });
    const fromOther = benefitsCard(other, view, 'en', { showActivate: true });
    expect(fromOther).to.deep.equal(first);
    expect(fromOther).to.not.equal(first);
    expect(helpCard(other, 'en')).to.not.equal(helpCard(on, 'en'));
    expect(helpCard(on, 'en')).to.equal(helpCard(on, 'en'));
  });
});
