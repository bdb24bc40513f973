/** One card per refusal, saying what happened and what to do next. */
import {
  ActivationStateError,
  BenefitExpiredError,
  BenefitNotActivatedError,
  BenefitRuleError,
  ConsentRequiredError,
  NotFoundError,
  QuotaExceededError,
  RoleRequiredError,
  ValidationError,
} from '../services/domain/errors';
import { LINKS, MESSAGES, NAMES, SOURCE, type Language } from '../services/domain/facts';
import type { ActivationState, BenefitType } from '../services/domain/types';
import { execute, openUrl } from './actions';
import type { CardRenderer } from './render';
import { fieldProblemText } from './fieldProblems';
import { S, sourceLine, STATUS } from './strings';
import messageTemplate from './templates/message.json';
import type { AdaptiveCard, CardAction } from './types';
import { VERBS } from './verbs';

export type RefusalView =
  | { code: 'notAuthorized' | 'noBenefits' | 'unknownUser' | 'unknownOrganisation' | 'signatureNotEntitled' }
  | {
      code: 'notActivated';
      benefitType: BenefitType;
      states: readonly ActivationState[];
      canActivate?: boolean;
    }
  | { code: 'expired'; benefitType: BenefitType; expiredOn: string }
  | { code: 'quotaExceeded'; benefitType: BenefitType; total: number }
  | { code: 'roleRequired'; action: RoleRequiredError['action'] }
  | { code: 'validation'; problems: readonly { path: string; reason: string }[] }
  | { code: 'notFound'; what: string; id: string }
  | { code: 'activationState'; state: ActivationState; attempted: string }
  | { code: 'roleCheckUnavailable' }
  | { code: 'consentRequired'; consentUrl: string };

export function refusalFromError(err: BenefitRuleError): RefusalView {
  if (err instanceof BenefitNotActivatedError)
    return { code: 'notActivated', benefitType: err.benefitType, states: err.states };
  if (err instanceof BenefitExpiredError)
    return { code: 'expired', benefitType: err.benefitType, expiredOn: err.expiredOn };
  if (err instanceof QuotaExceededError)
    return { code: 'quotaExceeded', benefitType: err.benefitType, total: err.total };
  if (err instanceof RoleRequiredError) return { code: 'roleRequired', action: err.action };
  if (err instanceof ValidationError) return { code: 'validation', problems: err.problems };
  if (err instanceof NotFoundError) return { code: 'notFound', what: err.what, id: err.id };
  if (err instanceof ActivationStateError)
    return { code: 'activationState', state: err.state, attempted: err.attempted };
  if (err instanceof ConsentRequiredError) return { code: 'consentRequired', consentUrl: err.consentUrl };
  const simple = [
    'roleCheckUnavailable',
    'notAuthorized',
    'noBenefits',
    'unknownUser',
    'unknownOrganisation',
    'signatureNotEntitled',
  ] as const;
  const code = simple.find((c) => c === err.code);
  if (code) return { code };
  return { code: 'notFound', what: 'request', id: err.code };
}

/**
 * What was not found, in words. Only an incident number (INC-…, which people read and type) is
 * shown; card keys, benefit ids and error codes are internal and stay off the screen.
 */
function notFoundText(what: string, id: string, zh: boolean): string {
  const number = /^INC-[A-Z0-9]+$/.test(id) ? id : null;
  if (what === 'incident' && number)
    return zh
      ? `找不到支持事件 ${number}，或你无权查看。`
      : `Incident ${number} was not found, or is not yours to see.`;
  const thing: Record<string, [string, string]> = {
    incident: ['That support incident', '该支持事件'],
    benefit: ['That benefit', '该权益'],
    offer: ['That membership offer', '该会员资格'],
  };
  const [en, zhName] = thing[what] ?? ['That request', '该请求'];
  return zh ? `找不到${zhName}，或你无权查看。` : `${en} was not found, or is not yours to see.`;
}

interface Parts {
  title: string;
  paragraphs: string[];
  bullets?: string[];
  rules: string;
  actions: CardAction[];
}

function parts(r: RefusalView, lang: Language): Parts {
  const zh = lang === 'zh';
  const benefits = execute(VERBS.showBenefits, S.showBenefits[lang]);
  const plans = openUrl(zh ? '比较合作伙伴支持计划' : 'Compare partner support plans', LINKS.comparePlans);
  const dashboard = openUrl(
    zh ? '合作伙伴中心仪表板' : 'Partner Center dashboard',
    LINKS.partnerCenterDashboard,
  );
  switch (r.code) {
    case 'notAuthorized':
      return {
        title: MESSAGES.notAuthorized[lang],
        paragraphs: [
          MESSAGES.mpnAccountRequired[lang],
          zh
            ? '你的帐户仅关联到 CSP（或未关联到 MPN）。请使用 MPN 关联的帐户，或请管理员关联你的帐户。'
            : 'Your account is associated only with CSP (or not with MPN). Use your MPN-associated account, or ask an admin to associate yours.',
        ],
        rules: 'R4',
        actions: [dashboard],
      };
    case 'noBenefits':
      return {
        title: MESSAGES.noBenefitsYet[lang],
        paragraphs: [MESSAGES.wrongAccountHint[lang]],
        rules: 'R5, R6',
        actions: [dashboard],
      };
    case 'unknownUser':
      return {
        title: zh ? '找不到你的帐户' : 'Your account is not set up here',
        paragraphs: [
          zh
            ? '此 Teams 帐户未登记在公司的合作伙伴组织中。请管理员添加你，或检查是否使用了其他帐户登录。'
            : 'This Teams account is not registered with your company’s partner organisation. Ask an admin to add you, or check whether you signed in with another account.',
          MESSAGES.wrongAccountHint[lang],
        ],
        rules: 'R6',
        actions: [],
      };
    case 'unknownOrganisation':
      return {
        title: zh ? '你的组织尚未设置' : 'Your organisation is not set up',
        paragraphs: [
          zh
            ? '此机器人尚未导入你所在组织（租户）的合作伙伴数据。请联系机器人的管理员。'
            : 'This bot has no partner organisation for your tenant yet. Contact whoever runs the bot for your company.',
        ],
        rules: 'R18',
        actions: [],
      };
    case 'signatureNotEntitled':
      return {
        title: zh ? `没有${NAMES.signatureCloudSupport.zh}` : `No ${NAMES.signatureCloudSupport.en}`,
        paragraphs: [
          MESSAGES.signatureForCompetencies[lang],
          zh
            ? 'Action Pack 不包含签名云支持。本地产品可使用 Microsoft 产品支持；云产品可考虑付费支持计划。'
            : 'Action Pack does not include it. Use Microsoft Product Support for on-premises products, or consider a paid plan for cloud products.',
        ],
        rules: 'R11, R13, R19',
        actions: [execute(VERBS.startIncident, S.openIncident[lang], { kind: 'onPremises' }), plans],
      };
    case 'notActivated': {
      // One entry per offer with this benefit: each state is said once.
      const states = [...new Set(r.states)].map((s) => STATUS[s][lang]).join(zh ? '、' : ', ');
      const actions: CardAction[] = [benefits];
      return {
        title: zh ? `${NAMES[r.benefitType].zh}尚未激活` : `${NAMES[r.benefitType].en} is not active yet`,
        paragraphs: [
          MESSAGES.activateBeforeUse[lang],
          zh ? `当前状态：${states}。` : `Current status: ${states}.`,
          r.states.includes('pending') ? MESSAGES.allowFewDays[lang] : MESSAGES.activationRoles[lang],
        ],
        rules: 'R2, R7, R8',
        actions: r.canActivate
          ? [execute(VERBS.showBenefits, S.activate[lang]), ...actions.slice(1)]
          : actions,
      };
    }
    case 'expired':
      return {
        title: zh ? `${NAMES[r.benefitType].zh}已过期` : `${NAMES[r.benefitType].en} has expired`,
        paragraphs: [`${zh ? '到期日期' : 'It expired on'} ${r.expiredOn}.`, MESSAGES.benefitsLast[lang]],
        rules: 'R14, R19',
        actions: [benefits, plans],
      };
    case 'quotaExceeded':
      return {
        title: zh ? '没有剩余的支持事件' : 'No support incidents left',
        paragraphs: [
          zh
            ? `${NAMES[r.benefitType].zh}的 ${r.total} 个事件已全部用完。`
            : `All ${r.total} incidents of ${NAMES[r.benefitType].en} have been used.`,
          MESSAGES.benefitsLast[lang],
          zh
            ? `需要更多支持时，可选择${NAMES.premierSupport.zh}或${NAMES.advancedSupport.zh}（仅限云产品）。`
            : `For more support: ${NAMES.premierSupport.en}, or ${NAMES.advancedSupport.en} (cloud products only).`,
        ],
        rules: 'R11, R14, R19',
        actions: [plans, benefits],
      };
    case 'roleRequired': {
      const text: Record<RoleRequiredError['action'], [string, string, string]> = {
        activate: [MESSAGES.activationRoles.en, MESSAGES.activationRoles.zh, 'R2'],
        cspAzureRequest: [
          'Azure requests for CSP customers are made by users with the Admin agent role.',
          'CSP 客户的 Azure 请求由具有管理员代理角色的用户创建。',
          'R3, R16',
        ],
        closeIncident: [
          'Only the person who opened an incident, or an admin, can close it.',
          '只有开立事件的人或管理员可以关闭它。',
          'R1',
        ],
        listOrganisationIncidents: [
          'Only admins and support leads can see all of the organisation’s incidents.',
          '只有管理员和支持主管可以查看组织的全部事件。',
          'R1',
        ],
        viewIncident: ['You can only see your own incidents.', '你只能查看自己的事件。', 'R1'],
        configureAlerts: [
          'Only a Global admin or MPN partner admin can change where and when the organisation’s alerts are sent.',
          '只有全局管理员或 MPN 合作伙伴管理员可以更改组织提醒的发送位置和时间。',
          'R1, R2',
        ],
        muteAlerts: [
          'Quota alerts go to support leads only, so there is nothing to mute or unmute for you.',
          '配额提醒只发送给支持主管，因此你没有可静音或恢复的提醒。',
          'R1',
        ],
      };
      const [en, zhText, rules] = text[r.action];
      return {
        title: MESSAGES.notAuthorized[lang],
        paragraphs: [zh ? zhText : en],
        rules,
        actions: [benefits],
      };
    }
    case 'validation':
      return {
        title: zh ? '请检查输入' : 'Please check what you entered',
        paragraphs: [zh ? '以下内容需要更正：' : 'These need a correction:'],
        bullets: r.problems.map((p) => fieldProblemText(p, lang)),
        rules: 'R9',
        actions: [],
      };
    case 'notFound':
      return {
        title: zh ? '找不到' : 'Not found',
        paragraphs: [notFoundText(r.what, r.id, zh)],
        rules: '',
        actions: [execute(VERBS.myIncidents, S.myIncidents[lang]), benefits],
      };
    case 'roleCheckUnavailable':
      return {
        title: zh ? '暂时无法核实你的角色' : "I can't check your role right now",
        paragraphs: [
          zh
            ? '我无法从 Microsoft Entra ID 读取你的角色，因此这次没有执行此操作。请稍后重试。查看权益和提问不受影响。'
            : 'I could not read your roles from Microsoft Entra ID, so I did not do this. Please try again later. You can still look at your benefits and ask questions.',
        ],
        rules: 'R1, R2',
        actions: [benefits],
      };
    case 'consentRequired':
      return {
        title: zh
          ? '你的组织尚未允许此应用读取角色'
          : 'Your organisation has not allowed this app to read roles yet',
        paragraphs: [
          zh
            ? '在你的组织的全局管理员授予管理员同意之前，我无法核实谁可以激活权益或更改提醒。查看权益和提问不受影响。'
            : 'Until a Global admin of your organisation grants admin consent, I cannot check who may activate benefits or change alerts. You can still look at your benefits and ask questions.',
          // Without consent nobody's roles can be read, so everyone gets the link: it only works for a Global admin.
          zh
            ? '如果你是全局管理员，请打开下面的链接并接受。如果不是，请把此链接发给你的组织的全局管理员。'
            : 'If you are a Global admin, open the link below and accept. If you are not, send this link to a Global admin of your organisation.',
        ],
        rules: 'R1, R2',
        actions: [openUrl(zh ? '授予管理员同意' : 'Grant admin consent', r.consentUrl), benefits],
      };
    case 'activationState':
      return {
        title: zh ? '此操作不适用于当前激活状态' : 'Not possible in the current activation state',
        paragraphs: [
          `${zh ? '当前状态' : 'Current status'}: ${STATUS[r.state][lang]}.`,
          MESSAGES.allowFewDays[lang],
        ],
        rules: 'R8, R9',
        actions: [benefits],
      };
  }
}

export function refusalCard(r: CardRenderer, refusal: RefusalView, lang: Language): AdaptiveCard {
  const p = parts(refusal, lang);
  return r.expand(messageTemplate, {
    title: p.title,
    titleColor: 'Attention',
    subtitle: '',
    paragraphs: p.paragraphs,
    facts: [],
    bullets: p.bullets ?? [],
    footer: sourceLine(lang, SOURCE[lang], p.rules ?? ''),
    actions: p.actions,
  });
}
