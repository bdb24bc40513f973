import { NAMES, SOURCE, type Language } from '../services/domain/facts';
import type { BenefitView, BenefitsView, OfferView } from '../services/domain/views';
import { deepFreeze } from '../services/domain/freeze';
import { execute } from './actions';
import type { CardRenderer } from './render';
import { offerLabel, remainingLabel, S, sourceLine, STATUS, STATUS_COLOR } from './strings';
import template from './templates/benefits.json';
import compactTemplate from './templates/benefitsCompact.json';
import type { AdaptiveCard, CardAction } from './types';
import { VERBS } from './verbs';

/** Cards must stay well under Teams' message limit (about 28 KB for a card, counted as UTF-16). */
export const CARD_BYTE_BUDGET = 26 * 1024;

/** Teams accepts at most 60 user ids in refresh.userIds. */
export const MAX_REFRESH_USER_IDS = 60;

export interface BenefitsCardOptions {
  /** Show Activate / Record IDs buttons (Global admins and MPN partner admins only; the server re-checks, R2). */
  showActivate: boolean;
  /** Teams user ids that get a user-specific view through refresh (Universal Actions). */
  refreshUserIds?: string[];
}

/** For admins: support leads that quota alerts cannot reach (the view lists them for admins only). */
function unreachableNotice(names: readonly string[], lang: Language): string {
  if (names.length === 0) return '';
  return lang === 'zh'
    ? `⚠ 配额提醒无法送达：${names.join('、')}（尚未安装此机器人）。`
    : `⚠ Quota alerts cannot reach ${names.join(', ')}: the bot is not installed for them.`;
}

function benefitData(b: BenefitView, o: OfferView, lang: Language, showActivate: boolean) {
  const facts = [
    { title: S.expires[lang], value: b.expiresOn },
    { title: S.incidents[lang], value: remainingLabel(b.total, b.used, lang) },
  ];
  if (b.status === 'active' || b.status === 'exhausted') {
    facts.push(
      { title: NAMES.accessId[lang], value: b.accessId ?? '' },
      { title: NAMES.contractId[lang], value: b.contractId ?? '' },
    );
  }
  if ((b.status === 'pending' || b.status === 'rejected') && b.requestedAt)
    facts.push({ title: S.requestedAt[lang], value: b.requestedAt.slice(0, 10) });
  // The reason Microsoft gave is stored with the activation: the person who asks again needs it.
  if (b.status === 'rejected' && b.rejectedReason)
    facts.push({ title: S.reason[lang], value: b.rejectedReason });
  const actions: CardAction[] = [];
  if (showActivate && o.active && (b.status === 'notActivated' || b.status === 'rejected')) {
    actions.push(
      execute(VERBS.startActivation, S.activate[lang], { benefitId: b.id }, { style: 'positive' }),
    );
  }
  if (showActivate && b.status === 'pending') {
    actions.push(execute(VERBS.showRecordIdsForm, S.recordIds[lang], { benefitId: b.id }));
  }
  return {
    name: NAMES[b.type][lang],
    statusLabel: STATUS[b.status][lang],
    statusColor: STATUS_COLOR[b.status],
    facts,
    actions,
  };
}

/**
 * The main card: the organisation's offers, each benefit's status, expiry, incidents and IDs (R9, R11, R14).
 * Cards hang on the view's offers (CardRenderer.forView): a shared (cached, frozen) view's offers
 * are its organisation's part, the same object for all its people (BenefitService.view), so they
 * share its cards. The key names everything else the card shows; the per-person refresh goes on
 * a copy afterwards (CARD_CACHE=off builds every time).
 */
export function benefitsCard(
  r: CardRenderer,
  view: BenefitsView,
  lang: Language,
  opts: BenefitsCardOptions,
): AdaptiveCard {
  const { organisation: o, asOf, unreachableSupportLeads: unreachable } = view;
  const key = ['benefits', lang, opts.showActivate, o.name, o.mpnId, asOf, ...unreachable].join('\u0000');
  const card = r.forView(view.offers, key, () => buildBenefitsCard(r, view, lang, opts.showActivate));
  const userIds = (opts.refreshUserIds ?? []).slice(0, MAX_REFRESH_USER_IDS);
  // The card may be shared (forView, expand): the per-user refresh goes on a copy.
  if (userIds.length === 0) return card;
  return deepFreeze({
    ...card,
    refresh: { action: { type: 'Action.Execute', verb: VERBS.refreshBenefits, data: {} }, userIds },
  });
}

function buildBenefitsCard(
  r: CardRenderer,
  view: BenefitsView,
  lang: Language,
  showActivate: boolean,
): AdaptiveCard {
  const header = {
    title: S.benefitsTitle[lang],
    subtitle: `${view.organisation.name} · ${S.mpnId[lang]} ${view.organisation.mpnId} · ${S.asOf[lang]} ${view.asOf}`,
    notice: unreachableNotice(view.unreachableSupportLeads, lang),
    footer: sourceLine(lang, SOURCE[lang], 'R11, R13, R14'),
  };
  const validity = (o: OfferView) =>
    o.active
      ? `${S.valid[lang]} ${o.startsOn} – ${o.expiresOn}`
      : `${o.expiresOn < view.asOf ? S.expiredOffer[lang] : S.notStarted[lang]} (${o.startsOn} – ${o.expiresOn})`;
  const cardActions = [
    execute(VERBS.startIncident, S.openIncident[lang]),
    execute(VERBS.myIncidents, S.myIncidents[lang]),
  ];
  const card = r.expand(template, {
    ...header,
    offers: view.offers.map((o) => ({
      label: offerLabel(o, lang),
      validity: validity(o),
      benefits: o.benefits.map((b) => benefitData(b, o, lang, showActivate)),
    })),
    actions: cardActions,
  });
  if (r.cardBytes(card) <= CARD_BYTE_BUDGET) return card;
  // Many offers: one line per benefit, and activation through the dialog instead of a button each.
  const canActivateAny =
    showActivate &&
    view.offers.some(
      (o) => o.active && o.benefits.some((b) => b.status === 'notActivated' || b.status === 'rejected'),
    );
  return r.expand(compactTemplate, {
    ...header,
    offers: view.offers.map((o) => ({
      label: offerLabel(o, lang),
      validity: validity(o),
      lines: o.benefits.map((b) => compactLine(b, lang)),
    })),
    actions: canActivateAny
      ? [...cardActions, execute(VERBS.startActivation, S.activate[lang], {}, { style: 'positive' })]
      : cardActions,
  });
}

function compactLine(b: BenefitView, lang: Language): string {
  const ids = b.accessId
    ? ` · ${NAMES.accessId[lang]} ${b.accessId} · ${NAMES.contractId[lang]} ${b.contractId}`
    : '';
  const reason =
    b.status === 'rejected' && b.rejectedReason ? ` · ${S.reason[lang]}: ${b.rejectedReason}` : '';
  return `${NAMES[b.type][lang]}: ${STATUS[b.status][lang]}${reason} · ${remainingLabel(b.total, b.used, lang)}${ids}`;
}
