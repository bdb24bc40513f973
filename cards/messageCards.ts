import { SOURCE, type Language } from '../services/domain/facts';
import { execute, openUrl } from './actions';
import type { CardRenderer } from './render';
import { S, sourceLine } from './strings';
import messageTemplate from './templates/message.json';
import type { AdaptiveCard } from './types';
import { VERBS } from './verbs';

export interface AnswerView {
  title: string;
  text: string;
  rules: string[];
  source: string;
  links?: { title: string; url: string }[];
}

const mainActions = (lang: Language) => [
  execute(VERBS.showBenefits, S.showBenefits[lang]),
  execute(VERBS.startIncident, S.openIncident[lang]),
  execute(VERBS.myIncidents, S.myIncidents[lang]),
];

const EXAMPLES = {
  en: [
    'How many incidents do we have left?',
    'What is Signature Cloud Support?',
    'How many incidents does a Gold competency include?',
    'Who can activate benefits?',
    'Open an incident',
    'Activate a benefit (admins)',
  ],
  zh: [
    '还剩几个事件？',
    '签名云支持是什么？',
    '金牌能力有多少个事件？',
    '谁可以激活权益？',
    '开支持事件',
    '激活权益（管理员）',
  ],
};

/** A fact from the source document, with its rule numbers and links. */
export function answerCard(r: CardRenderer, answer: AnswerView, lang: Language): AdaptiveCard {
  return r.expand(messageTemplate, {
    title: answer.title,
    titleColor: 'Default',
    subtitle: '',
    paragraphs: answer.text.split('\n\n'),
    facts: [],
    bullets: [],
    footer: sourceLine(lang, answer.source, answer.rules),
    actions: [
      ...(answer.links ?? []).map((l) => openUrl(l.title, l.url)),
      execute(VERBS.showBenefits, S.showBenefits[lang]),
    ],
  });
}

export function helpCard(r: CardRenderer, lang: Language): AdaptiveCard {
  return r.expand(messageTemplate, {
    title: lang === 'zh' ? '我能帮你做什么' : 'What I can do',
    titleColor: 'Default',
    subtitle: '',
    paragraphs: [
      lang === 'zh'
        ? '我回答有关公司 MPN 技术支持权益的问题，显示权益卡片，帮你开支持事件；管理员可以激活权益。随时输入“取消”退出当前步骤。你可以这样问：'
        : 'I answer questions about your company’s MPN technical support benefits, show the benefits card and open support incidents; admins can activate benefits. Say “cancel” at any time to leave a step. Try:',
    ],
    facts: [],
    bullets: EXAMPLES[lang],
    footer: sourceLine(lang, SOURCE[lang]),
    actions: mainActions(lang),
  });
}

export function welcomeCard(r: CardRenderer, lang: Language, userName?: string): AdaptiveCard {
  const hello =
    lang === 'zh' ? `你好${userName ? `，${userName}` : ''}！` : `Hello${userName ? `, ${userName}` : ''}!`;
  return r.expand(messageTemplate, {
    title: hello,
    titleColor: 'Default',
    subtitle: lang === 'zh' ? '合作伙伴技术支持助手' : 'Your partner support assistant',
    paragraphs: [
      lang === 'zh'
        ? '我可以告诉你公司的 MPN 技术支持权益、剩余事件数和激活状态，并帮你开支持事件。用英语或中文提问都可以。'
        : 'I can tell you about your company’s MPN technical support benefits, how many incidents are left and where activation stands, and open support incidents for you. Ask in English or Chinese.',
    ],
    facts: [],
    bullets: EXAMPLES[lang].slice(0, 3),
    footer: '',
    actions: [...mainActions(lang), execute(VERBS.help, S.help[lang])],
  });
}
