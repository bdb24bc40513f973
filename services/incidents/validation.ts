import type { FieldProblem } from '../domain/errors';
import { INCIDENT_KINDS, SEVERITIES, type IncidentKind, type Severity } from '../domain/types';

export interface OpenIncidentInput {
  kind: IncidentKind;
  product: string;
  title: string;
  description: string;
  severity: Severity;
  contact: { name: string; email: string; phone?: string | null };
  /** Sent by the card or dialog; the same key always yields the same incident. */
  idempotencyKey?: string;
  /** Optional: a specific benefit of the organisation; otherwise the service chooses. */
  benefitId?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{5,30}$/;
const KEY = /^[A-Za-z0-9_:.-]{1,100}$/;

function textProblem(value: unknown, min: number, max: number): string | null {
  if (typeof value !== 'string') return 'is required';
  const length = value.trim().length;
  if (length < min) return min === 1 ? 'is required' : `must be at least ${min} characters`;
  if (length > max) return `must be at most ${max} characters`;
  return null;
}

/** Length limits of the free-text fields, [min, max] characters. */
export const INCIDENT_TEXT_LIMITS = {
  product: [2, 100],
  title: [5, 200],
  description: [10, 4000],
  contactName: [2, 100],
} as const;

const L = INCIDENT_TEXT_LIMITS;

/** One check per field, shared by the service and the dialog's prompt validators. */
export const INCIDENT_FIELD_CHECKS = {
  kind: (v: unknown) =>
    INCIDENT_KINDS.includes(v as IncidentKind) ? null : `must be one of ${INCIDENT_KINDS.join(', ')}`,
  product: (v: unknown) => textProblem(v, ...L.product),
  title: (v: unknown) => textProblem(v, ...L.title),
  description: (v: unknown) => textProblem(v, ...L.description),
  severity: (v: unknown) => (SEVERITIES.includes(v as Severity) ? null : 'must be A, B or C'),
  contactName: (v: unknown) => textProblem(v, ...L.contactName),
  contactEmail: (v: unknown) =>
    typeof v === 'string' && EMAIL.test(v.trim()) ? null : 'must be an email address',
  contactPhone: (v: unknown) =>
    v === undefined || v === null || v === '' || (typeof v === 'string' && PHONE.test(v.trim()))
      ? null
      : 'must be a phone number (digits, spaces, +, -, parentheses)',
  idempotencyKey: (v: unknown) =>
    v === undefined || (typeof v === 'string' && KEY.test(v))
      ? null
      : 'must be 1–100 letters, digits or _:.-',
} as const;

export function incidentInputProblems(input: Partial<OpenIncidentInput>): FieldProblem[] {
  const c = INCIDENT_FIELD_CHECKS;
  const contact = input.contact ?? ({} as Partial<OpenIncidentInput['contact']>);
  const checks: [string, string | null][] = [
    ['kind', c.kind(input.kind)],
    ['product', c.product(input.product)],
    ['title', c.title(input.title)],
    ['description', c.description(input.description)],
    ['severity', c.severity(input.severity)],
    ['contact.name', c.contactName(contact.name)],
    ['contact.email', c.contactEmail(contact.email)],
    ['contact.phone', c.contactPhone(contact.phone)],
    ['idempotencyKey', c.idempotencyKey(input.idempotencyKey)],
  ];
  return checks
    .filter(([, reason]) => reason !== null)
    .map(([path, reason]) => ({ path, reason: reason as string }));
}
