import { MESSAGES, NAMES, SOURCE, type Language } from '../services/domain/facts';
import type { BenefitView, OfferView } from '../services/domain/views';
import { ACTIVATION_ID_PATTERN } from '../services/activation/activationService';
import { execute } from './actions';
import type { CardRenderer } from './render';
import { offerLabel, S, sourceLine, STATUS, when } from './strings';
import formTemplate from './templates/activationIdsForm.json';
import messageTemplate from './templates/message.json';
import type { AdaptiveCard, CardAction } from './types';
import { VERBS } from './verbs';

function label(benefit: BenefitView, offer: OfferView, lang: Language): string {
  return `${NAMES[benefit.type][lang]} — ${offerLabel(offer, lang)}`;
}

const footer = (lang: Language, rules: string) => sourceLine(lang, SOURCE[lang], rules);

/** Confirm before asking Microsoft to activate (R2, R8). */
export function activationConfirmCard(
  r: CardRenderer,

  benefit: BenefitView,
  offer: OfferView,
  lang: Language,
  requestKey: string,
): AdaptiveCard {
  return r.expand(messageTemplate, {
    title: lang === 'zh' ? '请求激活？' : 'Request activation?',
    titleColor: 'Default',
    subtitle: label(benefit, offer, lang),
    paragraphs: [MESSAGES.allowFewDays[lang], MESSAGES.idsAfterActivation[lang]],
    facts: [{ title: S.expires[lang], value: benefit.expiresOn }],
    bullets: [],
    footer: footer(lang, 'R2, R8, R9'),
    actions: [
      execute(
        VERBS.confirmActivation,
        S.confirm[lang],
        { benefitId: benefit.id, requestKey },
        { style: 'positive' },
      ),
      execute(VERBS.showBenefits, S.cancel[lang]),
    ],
  });
}

/** Where an activation stands: pending (a few days, R8), active with IDs (R9, R10), rejected, or not yet asked (R7). */
export function activationStatusCard(
  r: CardRenderer,

  benefit: BenefitView,
  offer: OfferView,
  lang: Language,
  opts: { canRecord?: boolean } = {},
): AdaptiveCard {
  const state = benefit.activationState;
  const paragraphs: string[] = [];
  const facts: { title: string; value: string }[] = [];
  if (state === 'pending') {
    paragraphs.push(
      lang === 'zh' ? '激活请求已提交给 Microsoft。' : 'The activation request has been sent to Microsoft.',
      MESSAGES.allowFewDays[lang],
      MESSAGES.idsAfterActivation[lang],
    );
    if (benefit.requestedAt) facts.push({ title: S.requestedAt[lang], value: when(benefit.requestedAt) });
  } else if (state === 'active') {
    paragraphs.push(MESSAGES.idsFirstUse[lang]);
    facts.push(
      { title: NAMES.accessId[lang], value: benefit.accessId ?? '' },
      { title: NAMES.contractId[lang], value: benefit.contractId ?? '' },
    );
  } else if (state === 'rejected') {
    paragraphs.push(
      lang === 'zh'
        ? 'Microsoft 拒绝了激活请求。管理员可以再次请求。'
        : 'Microsoft rejected the activation request. An admin can request it again.',
    );
  } else {
    paragraphs.push(MESSAGES.activateBeforeUse[lang], MESSAGES.activationRoles[lang]);
  }
  facts.push({ title: S.expires[lang], value: benefit.expiresOn });
  const actions: CardAction[] = [];
  if (state === 'pending' && opts.canRecord)
    actions.push(execute(VERBS.showRecordIdsForm, S.recordIds[lang], { benefitId: benefit.id }));
  actions.push(execute(VERBS.showBenefits, S.showBenefits[lang]));
  return r.expand(messageTemplate, {
    title: STATUS[state][lang],
    titleColor: state === 'active' ? 'Good' : state === 'rejected' ? 'Attention' : 'Default',
    subtitle: label(benefit, offer, lang),
    paragraphs,
    facts,
    bullets: [],
    footer: footer(lang, 'R7, R8, R9, R10'),
    actions,
  });
}

/** For an admin: record the Access ID and Contract ID Microsoft issued (validated again by the service, R9). */
export function activationIdsFormCard(
  r: CardRenderer,
  benefit: BenefitView,
  offer: OfferView,
  lang: Language,
): AdaptiveCard {
  return r.expand(formTemplate, {
    title: S.recordIds[lang],
    subtitle: label(benefit, offer, lang),
    instructions:
      lang === 'zh'
        ? '输入 Microsoft 在激活成功后颁发的访问 ID 和合同 ID。'
        : 'Enter the Access ID and Contract ID that Microsoft issued when the activation succeeded.',
    accessIdLabel: NAMES.accessId[lang],
    contractIdLabel: NAMES.contractId[lang],
    pattern: ACTIVATION_ID_PATTERN.source,
    errorMessage: lang === 'zh' ? '4–64 个字母、数字或短划线' : '4–64 letters, digits or dashes',
    actions: [
      execute(VERBS.recordActivationIds, S.confirm[lang], { benefitId: benefit.id }, { style: 'positive' }),
      execute(VERBS.showBenefits, S.cancel[lang], {}, { inputs: false }),
    ],
  });
}
