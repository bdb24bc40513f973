import { LINKS, SOURCE, type Language } from '../services/domain/facts';
import type { BenefitType, Incident, IncidentKind, Severity } from '../services/domain/types';
import type { IncidentView } from '../services/domain/views';
import { execute, openUrl } from './actions';
import type { CardRenderer } from './render';
import { KIND, planName, S, SEVERITY, sourceLine, when } from './strings';
import incidentTemplate from './templates/incident.json';
import listTemplate from './templates/incidentList.json';
import messageTemplate from './templates/message.json';
import type { AdaptiveCard, CardAction } from './types';
import { VERBS } from './verbs';

const t = (en: string, zh: string) => ({ en, zh });

const STATE = {
  open: { en: 'Open', zh: '处理中', color: 'Good' },
  closed: { en: 'Closed', zh: '已关闭', color: 'Default' },
} as const;

function contactText(c: Incident['contact']): string {
  return [c.name, c.email, c.phone].filter(Boolean).join(', ');
}

export function incidentCard(
  r: CardRenderer,

  incident: IncidentView,
  lang: Language,
  opts: { canClose: boolean },
): AdaptiveCard {
  const facts = [
    { title: S.plan[lang], value: planName(incident.plan, lang) },
    { title: S.kind[lang], value: KIND[incident.kind][lang] },
    { title: S.product[lang], value: incident.product },
    { title: S.severity[lang], value: SEVERITY[incident.severity][lang] },
    { title: S.contact[lang], value: contactText(incident.contact) },
    { title: S.opened[lang], value: when(incident.openedAt) },
  ];
  if (incident.closedAt) facts.push({ title: S.closed[lang], value: when(incident.closedAt) });
  const actions: CardAction[] = [];
  if (incident.kind === 'onPremises')
    actions.push(openUrl(S.supportForBusiness[lang], LINKS.supportForBusiness)); // R17
  if (incident.state === 'open' && opts.canClose) {
    actions.push(
      execute(VERBS.closeIncident, S.close[lang], { incidentId: incident.id }, { style: 'destructive' }),
    );
  }
  actions.push(execute(VERBS.myIncidents, S.myIncidents[lang]));
  return r.expand(incidentTemplate, {
    title: incident.id,
    stateLabel: STATE[incident.state][lang],
    stateColor: STATE[incident.state].color,
    heading: incident.title,
    notice: incident.replayed
      ? lang === 'zh'
        ? '此事件已开立过：重复的确认不会再开一个。'
        : 'This incident was already opened: confirming again does not open another one.'
      : '',
    facts,
    descriptionLabel: S.description[lang],
    description: incident.description,
    actions,
  });
}

export function incidentListCard(
  r: CardRenderer,

  incidents: Incident[],
  lang: Language,
  scope: 'mine' | 'organisation',
  opts: { openOnly?: boolean } = {},
): AdaptiveCard {
  const zh = lang === 'zh';
  const titles = {
    mine: opts.openOnly
      ? t('My open support incidents', '我未关闭的支持事件')
      : t('My support incidents', '我的支持事件'),
    organisation: opts.openOnly
      ? t('Organisation’s open support incidents', '组织未关闭的支持事件')
      : t('Organisation’s support incidents', '组织的支持事件'),
  };
  const title = titles[scope][lang];
  return r.expand(listTemplate, {
    title,
    emptyText: opts.openOnly
      ? zh
        ? '没有未关闭的支持事件。'
        : 'No open support incidents.'
      : zh
        ? '还没有支持事件。'
        : 'No support incidents yet.',
    rows: incidents.slice(0, 25).map((i) => ({
      heading: `${i.id} · ${i.title}`,
      detail: `${planName(i.plan, lang)} · ${i.product} · ${when(i.openedAt)}`,
      stateLabel: STATE[i.state][lang],
      stateColor: STATE[i.state].color,
      actions: i.state === 'open' ? [execute(VERBS.closeIncident, S.close[lang], { incidentId: i.id })] : [],
    })),
    actions: [
      execute(VERBS.startIncident, S.openIncident[lang]),
      execute(VERBS.showBenefits, S.showBenefits[lang]),
    ],
  });
}

export interface IncidentDraftView {
  kind: IncidentKind;
  product: string;
  title: string;
  description: string;
  severity: Severity;
  contact: { name: string; email: string; phone?: string | null };
  benefitType: BenefitType | 'cloudSolutionProvider';
  remaining: number | null;
}

/** The last step of the incident dialog: confirm with the draft's idempotency key. */
export function incidentConfirmCard(
  r: CardRenderer,

  draft: IncidentDraftView,
  lang: Language,
  idempotencyKey: string,
): AdaptiveCard {
  const counted =
    draft.benefitType === 'cloudSolutionProvider'
      ? S.noIncidentUsed[lang]
      : `${planName(draft.benefitType, lang)} (${
          draft.remaining === null
            ? S.unlimited[lang]
            : lang === 'zh'
              ? `开立前剩余 ${draft.remaining} 个`
              : `${draft.remaining} left before this one`
        })`;
  return r.expand(messageTemplate, {
    title: lang === 'zh' ? '确认开立支持事件' : 'Confirm the support incident',
    titleColor: 'Default',
    subtitle: draft.title,
    paragraphs: [draft.description],
    facts: [
      { title: S.kind[lang], value: KIND[draft.kind][lang] },
      { title: S.product[lang], value: draft.product },
      { title: S.severity[lang], value: SEVERITY[draft.severity][lang] },
      {
        title: S.contact[lang],
        value: [draft.contact.name, draft.contact.email, draft.contact.phone].filter(Boolean).join(', '),
      },
      { title: S.countedAgainst[lang], value: counted },
    ],
    bullets: [],
    footer: sourceLine(lang, SOURCE[lang], 'R11, R13, R16'),
    actions: [
      execute(VERBS.confirmIncident, S.confirm[lang], { idempotencyKey }, { style: 'positive' }),
      execute(VERBS.cancel, S.cancel[lang], { idempotencyKey }),
    ],
  });
}
