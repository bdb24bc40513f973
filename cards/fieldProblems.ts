/**
 * What a refused field means, in the person's words: the services name fields and allowed values
 * as code does ("thresholds: unknown: often (use half, eightyPercent…)"); a person reads the
 * field's label and what to enter instead.
 */
import type { Language } from '../services/domain/facts';
import { INCIDENT_TEXT_LIMITS as L } from '../services/incidents/validation';

type Text = Record<Language, string>;
const t = (en: string, zh: string): Text => ({ en, zh });
const chars = ([min, max]: readonly [number, number]) =>
  t(`${min}–${max} characters`, `${min}–${max} 个字符`);

const FIELDS: Readonly<Record<string, { label: Text; expected: Text }>> = {
  accessId: {
    label: t('Access ID', '访问 ID'),
    expected: t('4–64 letters, digits or dashes', '4–64 个字母、数字或短划线'),
  },
  contractId: {
    label: t('Contract ID', '合同 ID'),
    expected: t('4–64 letters, digits or dashes', '4–64 个字母、数字或短划线'),
  },
  reason: { label: t('Reason', '原因'), expected: t('3–500 characters', '3–500 个字符') },
  thresholds: {
    label: t('Alert thresholds', '提醒阈值'),
    expected: t(
      'choose from 50% used, 80% used, one left, none left',
      '请从“已用 50%”“已用 80%”“剩 1 个”“用完”中选择',
    ),
  },
  pendingReminderDays: {
    label: t('Reminder after', '提醒间隔'),
    expected: t('a whole number of days from 1 to 60', '1 到 60 之间的整天数'),
  },
  kind: {
    label: t('Kind', '类型'),
    expected: t(
      'on-premises product, cloud product or Azure for a CSP customer',
      '本地产品、云产品或 Azure（CSP 客户）',
    ),
  },
  product: { label: t('Product', '产品'), expected: chars(L.product) },
  title: { label: t('Title', '标题'), expected: chars(L.title) },
  description: { label: t('Description', '描述'), expected: chars(L.description) },
  severity: { label: t('Severity', '严重性'), expected: t('A, B or C', 'A、B 或 C') },
  'contact.name': { label: t('Contact name', '联系人姓名'), expected: chars(L.contactName) },
  'contact.email': {
    label: t('Contact email', '联系人电子邮件'),
    expected: t('an email address', '电子邮件地址'),
  },
  'contact.phone': {
    label: t('Phone', '电话'),
    expected: t('digits, spaces, +, - or parentheses', '数字、空格、+、- 或括号'),
  },
};

/** "Alert thresholds: choose from …" (a field the table does not know keeps the service's reason). */
export function fieldProblemText(problem: { path: string; reason: string }, lang: Language): string {
  const field = FIELDS[problem.path];
  if (!field) return problem.reason;
  return lang === 'zh'
    ? `${field.label.zh}：${field.expected.zh}`
    : `${field.label.en}: ${field.expected.en}`;
}
