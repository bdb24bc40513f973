/**
 * Answers from the organisation's own data (issue 13): the benefits a question names, with their
 * expiry, incidents left, status and its date, the rejection reason, the Access ID and Contract ID.
 * Everything comes from the benefits view the person may see (R4, R5: the service decides), so
 * nobody learns more here than the benefits card shows them.
 */
import { offerLabel, remainingLabel, S, sourceLine, STATUS } from '../cards/strings';
import { daysBetween } from '../services/domain/clock';
import { COMPETENCY_NAMES_ZH, LINKS, MESSAGES, NAMES, SOURCE, type Language } from '../services/domain/facts';
import { DEFAULT_PENDING_REMINDER_DAYS } from '../services/domain/types';
import type { BenefitView, BenefitsView, OfferView } from '../services/domain/views';
import type { Answer } from './answers';
import { sentences } from './prompts';
import type { BenefitMention } from './understanding/entities';

/** Intents whose answer comes from the organisation's data when the question names a benefit. */
export const DATA_INTENTS: ReadonlySet<string> = new Set<string>([
  'facts.benefitsDuration',
  'facts.accessContractIds',
  'facts.activationDuration',
  'action.incidentsRemaining',
  'action.activationStatus',
  'action.rejectionReason',
  'action.pendingReason',
  'action.activate',
  // "How do I activate Signature Cloud Support?" names one: its activation (or R2's refusal).
  'facts.howToActivate',
  'none',
]);

export interface NamedBenefit {
  benefit: BenefitView;
  offer: OfferView;
}

const key = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\bcompetency\b/g, '')
    .replace(/[^a-z0-9\u3400-\u9fff]+/g, ' ')
    .trim();

/** The competency an offer is for, as the question may spell it (its own name, or its Chinese one). */
function offerNamedIn(offer: OfferView, text: string): boolean {
  if (!offer.competency) return false;
  const name = key(offer.competency);
  const zh = COMPETENCY_NAMES_ZH[offer.competency];
  return ` ${key(text)} `.includes(` ${name} `) || (zh !== undefined && text.includes(zh));
}

/**
 * The organisation's benefits that match what the question names (types, levels, competencies),
 * or null when it names none of them. The competency may also be one only this organisation has.
 */
export function namedBenefits(
  view: BenefitsView,
  mention: BenefitMention | undefined,
  text: string,
): NamedBenefit[] | null {
  const byOwnName = view.offers.filter((o) => offerNamedIn(o, text));
  if (!mention && byOwnName.length === 0) return null;
  const m = mention ?? { types: [], levels: [], competencies: [] };
  const competencyKeys = new Set(m.competencies.map(key));
  const offers = view.offers.filter(
    (o) =>
      (m.levels.length === 0 || m.levels.includes(o.level)) &&
      (competencyKeys.size === 0 && byOwnName.length === 0
        ? true
        : (o.competency !== null && competencyKeys.has(key(o.competency))) || byOwnName.includes(o)),
  );
  return offers.flatMap((offer) =>
    offer.benefits
      .filter((b) => m.types.length === 0 || m.types.includes(b.type))
      .map((benefit) => ({ benefit, offer })),
  );
}

/** "Microsoft Product Support (Gold competency: Cloud Platform)", with the competency in Chinese for zh. */
export function benefitName(b: Pick<BenefitView, 'type'>, o: OfferView, lang: Language): string {
  const level = NAMES[o.level][lang];
  if (lang === 'zh') {
    const competency = o.competency ? `：${COMPETENCY_NAMES_ZH[o.competency] ?? o.competency}` : '';
    return `${NAMES[b.type].zh}（${level}${competency}）`;
  }
  return `${NAMES[b.type].en} (${level}${o.competency ? `: ${o.competency}` : ''})`;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');
/** "name: value" and "(note)" with the punctuation of the language. */
const colon = (lang: Language) => (lang === 'zh' ? '：' : ': ');
const aside = (text: string, lang: Language) => (lang === 'zh' ? `（${text}）` : ` (${text})`);

function answer(lang: Language, title: [string, string], paragraphs: string[], rules: string[]): Answer {
  return {
    title: lang === 'zh' ? title[1] : title[0],
    text: paragraphs.join('\n\n'),
    rules,
    source: SOURCE[lang],
  };
}

/** Nothing the question names exists in the organisation: say what it has instead. */
export function nothingNamedAnswer(view: BenefitsView, lang: Language): Answer {
  const offers = view.offers.map((o) => offerLabel(o, lang)).join(lang === 'zh' ? '；' : '; ');
  return answer(
    lang,
    ['No such benefit', '没有这项权益'],
    [
      lang === 'zh'
        ? `贵组织没有你所说的权益。现有的会员资格：${offers}。`
        : `Your organisation has no benefit like that. Its membership offers: ${offers}.`,
    ],
    ['R11'],
  );
}

/** When each named benefit (its offer) expires (R14). */
export function expiryAnswer(named: NamedBenefit[], asOf: string, lang: Language): Answer {
  const lines = named.map(({ benefit, offer }) => {
    const days = daysBetween(asOf, offer.expiresOn);
    const name = benefitName(benefit, offer, lang);
    if (days < 0)
      return lang === 'zh'
        ? `${name}：已于 ${offer.expiresOn} 过期。`
        : `${name}: expired on ${offer.expiresOn}.`;
    return lang === 'zh'
      ? `${name}：${offer.expiresOn} 到期（还有 ${days} 天）。`
      : `${name}: expires on ${offer.expiresOn}, in ${days} day${days === 1 ? '' : 's'}.`;
  });
  return answer(lang, ['When it expires', '到期时间'], [...lines, MESSAGES.benefitsLast[lang]], ['R14']);
}

/** The Access ID and Contract ID of each named benefit: only once active (R9), as on the benefits card. */
export function idsAnswer(named: NamedBenefit[], lang: Language): Answer {
  const lines = named.map(({ benefit, offer }) => {
    const name = benefitName(benefit, offer, lang);
    if (benefit.accessId && benefit.contractId)
      return `${name}${colon(lang)}${NAMES.accessId[lang]} ${benefit.accessId} · ${NAMES.contractId[lang]} ${benefit.contractId}`;
    return lang === 'zh'
      ? `${name}：还没有 ID（${STATUS[benefit.status].zh}）。`
      : `${name}: no IDs yet (${STATUS[benefit.status].en}).`;
  });
  const anyMissing = named.some(({ benefit }) => !benefit.accessId);
  return answer(
    lang,
    ['Access ID and Contract ID', '访问 ID 和合同 ID'],
    [...lines, anyMissing ? MESSAGES.idsAfterActivation[lang] : MESSAGES.idsFirstUse[lang]],
    ['R9', 'R10'],
  );
}

/** Why activations were rejected: Microsoft's reason as stored, with the request date. */
export function rejectionAnswer(named: NamedBenefit[], lang: Language, canActivate: boolean): Answer {
  const rejected = named.filter(({ benefit }) => benefit.activationState === 'rejected');
  const lines = rejected.map(({ benefit, offer }) => {
    const name = benefitName(benefit, offer, lang);
    const reason = benefit.rejectedReason ?? (lang === 'zh' ? '未注明' : 'none given');
    const requested = day(benefit.requestedAt);
    return lang === 'zh'
      ? `${name}：${requested ? `${requested} 提交的` : ''}激活请求被拒绝。原因：“${reason}”`
      : `${name}: the activation request${requested ? ` of ${requested}` : ''} was rejected. Reason: “${reason}”`;
  });
  if (rejected.length === 0) {
    return answer(
      lang,
      ['No rejected activation', '没有被拒绝的激活'],
      [
        lang === 'zh' ? '这些权益的激活都没有被拒绝：' : 'None of these activations was rejected:',
        ...statusLines(named, lang),
      ],
      ['R8'],
    );
  }
  const next = canActivate
    ? lang === 'zh'
      ? '你可以再次请求激活（在权益卡片上选择“激活”，或说“激活”加权益名称）。'
      : 'You can request activation again (Activate on the benefits card, or say "activate" and the benefit).'
    : MESSAGES.activationRoles[lang];
  return answer(
    lang,
    ['Why the activation was rejected', '激活被拒绝的原因'],
    [...lines, next],
    ['R2', 'R8'],
  );
}

/** Why activations are still pending: the request date, the days since, and that it takes a few days (R8). */
export function pendingAnswer(named: NamedBenefit[], asOf: string, lang: Language): Answer {
  const pending = named.filter(({ benefit }) => benefit.activationState === 'pending');
  if (pending.length === 0) {
    return answer(
      lang,
      ['No activation is pending', '没有等待中的激活'],
      [
        lang === 'zh' ? '这些权益没有等待处理的激活请求：' : 'None of these is waiting for activation:',
        ...statusLines(named, lang),
      ],
      ['R8'],
    );
  }
  let late = false;
  const lines = pending.map(({ benefit, offer }) => {
    const name = benefitName(benefit, offer, lang);
    const requested = day(benefit.requestedAt);
    if (!requested)
      return lang === 'zh' ? `${name}：等待 Microsoft 处理。` : `${name}: waiting for Microsoft.`;
    const days = Math.max(0, daysBetween(requested, asOf));
    if (days >= DEFAULT_PENDING_REMINDER_DAYS) late = true;
    const ago =
      days === 0
        ? lang === 'zh'
          ? '今天'
          : 'today'
        : lang === 'zh'
          ? `${days} 天前`
          : `${days} day${days === 1 ? '' : 's'} ago`;
    return lang === 'zh'
      ? `${name}：${requested} 提交了激活请求（${ago}），正在等待 Microsoft 处理。`
      : `${name}: activation was requested on ${requested} (${ago}) and is waiting for Microsoft.`;
  });
  const paragraphs = [
    ...lines,
    sentences(lang, MESSAGES.allowFewDays[lang], MESSAGES.idsAfterActivation[lang]),
  ];
  if (late)
    paragraphs.push(
      lang === 'zh'
        ? '已超过通常的几天：请在合作伙伴中心仪表板（权益 → 技术优势）查看请求，或联系 Microsoft 支持。'
        : 'That is longer than the usual few days: check the request in the Partner Center dashboard (Benefits → Technical benefits), or contact Microsoft support.',
    );
  return {
    ...answer(lang, ['Why the activation is still pending', '激活为什么还在等待中'], paragraphs, [
      'R8',
      'R9',
      'R18',
    ]),
    links: [
      {
        title: lang === 'zh' ? '合作伙伴中心仪表板' : 'Partner Center dashboard',
        url: LINKS.partnerCenterDashboard,
      },
    ],
  };
}

/** Status with its date (or reason), incidents left and expiry: one line per benefit. */
function statusLines(named: NamedBenefit[], lang: Language): string[] {
  return named.map(({ benefit: b, offer }) => {
    const parts = [STATUS[b.status][lang]];
    if (b.status === 'pending' && b.requestedAt) parts.push(`${S.requestedAt[lang]} ${day(b.requestedAt)}`);
    if (b.status === 'active' && b.activatedAt) parts.push(`${S.activatedAt[lang]} ${day(b.activatedAt)}`);
    if (b.status === 'rejected' && b.rejectedReason)
      parts.push(lang === 'zh' ? `原因：“${b.rejectedReason}”` : `reason: “${b.rejectedReason}”`);
    if (b.status === 'notActivated') parts.push(lang === 'zh' ? '尚未请求' : 'not requested yet');
    parts.push(remainingLabel(b.total, b.used, lang), `${S.expires[lang]} ${b.expiresOn}`);
    return `${benefitName(b, offer, lang)}${colon(lang)}${parts.join(' · ')}`;
  });
}

/** Where each named benefit stands (also the answer to "that one?" after a benefit was talked about). */
export function statusAnswer(named: NamedBenefit[], lang: Language): Answer {
  return answer(lang, ['Where it stands', '当前状态'], statusLines(named, lang), [
    'R7',
    'R8',
    'R9',
    'R11',
    'R14',
  ]);
}

/** Incidents left on each named benefit (R11, R14). */
export function remainingAnswer(named: NamedBenefit[], lang: Language): Answer {
  const lines = named.map(({ benefit: b, offer }) => {
    const usable = b.status === 'active' || b.status === 'exhausted';
    const state = usable ? '' : aside(STATUS[b.status][lang], lang);
    return `${benefitName(b, offer, lang)}${colon(lang)}${remainingLabel(b.total, b.used, lang)}${state}`;
  });
  return answer(
    lang,
    ['Incidents left', '剩余事件'],
    [...lines, MESSAGES.benefitsLast[lang]],
    ['R11', 'R14'],
  );
}

/** "12 of 20 left" for every benefit of the active offers, beside the benefits card (R11). */
export function remainingSummary(view: BenefitsView, lang: Language): string {
  const lines = view.offers
    .filter((o) => o.active)
    .flatMap((o) =>
      o.benefits.map((b) => {
        const usable = b.status === 'active' || b.status === 'exhausted';
        return `- ${benefitName(b, o, lang)}${colon(lang)}${remainingLabel(b.total, b.used, lang)}${usable ? '' : aside(STATUS[b.status][lang], lang)}`;
      }),
    );
  return [
    lang === 'zh' ? '剩余支持事件：' : 'Support incidents remaining:',
    ...lines,
    sourceLine(lang, SOURCE[lang]),
  ].join('\n');
}
