/**
 * Imports a partner organisation from a JSON document (format in README.md and
 * examples/demo-org.json). Every problem is reported with its JSON path; nothing is written
 * unless the whole document is valid, and the write is one transaction.
 */
import { addDays, type Clock, isoTimestamp, isoToday } from '../domain/clock';
import { competencyClass } from '../domain/facts';
import { ValidationError, type FieldProblem } from '../domain/errors';
import {
  ACCOUNT_ASSOCIATIONS,
  ACTIVATION_STATES,
  BENEFIT_TYPES,
  OFFER_LEVELS,
  ROLES,
  type Activation,
  type ActivationState,
  type Benefit,
  type BenefitType,
  type MembershipOffer,
  type Organisation,
  type User,
} from '../domain/types';
import { ACTIVATION_ID_PATTERN } from '../activation/activationService';
import { benefitId, benefitsGrantedBy } from '../benefits/entitlements';
import type { Store } from '../storage/repositories';

export interface ImportedOrganisation {
  organisation: Organisation;
  users: User[];
  offers: MembershipOffer[];
  benefits: Benefit[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const RELATIVE_DATE = /^([+-])(\d{1,5})d$/;
const OFFER_ID = /^[a-z0-9][a-z0-9-]{0,59}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: FieldProblem[] = [];
  constructor(private readonly today: string) {}

  fail(path: string, reason: string): void {
    this.problems.push({ path, reason });
  }

  object(v: unknown, path: string, keys: readonly string[]): Json | null {
    if (!isObject(v)) {
      this.fail(path, 'must be an object');
      return null;
    }
    for (const k of Object.keys(v)) if (!keys.includes(k)) this.fail(`${path}.${k}`, 'is not a known field');
    return v;
  }

  text(v: unknown, path: string, opts: { min?: number; max?: number; pattern?: RegExp; what?: string } = {}) {
    const { min = 1, max = 200, pattern, what } = opts;
    if (typeof v !== 'string' || v.trim().length < min)
      return this.fail(path, `must be ${what ?? 'a non-empty string'}`);
    if (v.length > max) return this.fail(path, `must be at most ${max} characters`);
    if (pattern && !pattern.test(v)) return this.fail(path, `must be ${what ?? `like ${pattern}`}`);
    return v.trim();
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.fail(path, `must be one of ${allowed.join(', ')}`);
    return undefined;
  }

  /** YYYY-MM-DD, or "+Nd" / "-Nd" relative to the import day (keeps the demo current). */
  date(v: unknown, path: string): string | undefined {
    if (typeof v === 'string') {
      const rel = RELATIVE_DATE.exec(v);
      if (rel) return addDays(this.today, (rel[1] === '-' ? -1 : 1) * Number(rel[2]));
      if (ISO_DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
        if (new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v) return v;
      }
    }
    this.fail(path, 'must be a date YYYY-MM-DD or a relative date like "+30d" / "-10d"');
    return undefined;
  }
}

export interface ParseOptions {
  /**
   * Where people and roles come from (DIRECTORY). With `entra` people are found on first contact,
   * so `users` may be empty or left out, and a past request may name someone it does not list.
   */
  directory?: 'file' | 'entra';
}

/** Validates a document; returns the rows to write, or throws ValidationError listing every problem. */
export function parseOrganisation(
  doc: unknown,
  clock: Clock,
  options: ParseOptions = {},
): ImportedOrganisation {
  const entra = options.directory === 'entra';
  const c = new Checker(isoToday(clock));
  const now = isoTimestamp(clock);
  const root = c.object(doc, '$', ['$schema', 'organisation', 'users', 'offers']);
  if (!root) throw new ValidationError(c.problems);

  const o = c.object(root.organisation, '$.organisation', ['tenantId', 'mpnId', 'name']);
  const tenantId = o
    ? c.text(o.tenantId, '$.organisation.tenantId', { pattern: GUID, what: 'a tenant id (GUID)' })
    : undefined;
  const mpnId = o
    ? c.text(o.mpnId, '$.organisation.mpnId', { pattern: /^\d{5,10}$/, what: 'an MPN ID (5–10 digits)' })
    : undefined;
  const name = o ? c.text(o.name, '$.organisation.name') : undefined;

  const users: User[] = [];
  const listed = root.users === undefined && entra ? [] : root.users;
  if (!Array.isArray(listed) || (listed.length === 0 && !entra))
    c.fail('$.users', entra ? 'must be an array (possibly empty)' : 'must be a non-empty array');
  else
    listed.forEach((raw, i) => {
      const p = `$.users[${i}]`;
      const u = c.object(raw, p, ['aadObjectId', 'name', 'email', 'association', 'roles', 'locale']);
      if (!u) return;
      const aad = c.text(u.aadObjectId, `${p}.aadObjectId`, {
        pattern: GUID,
        what: 'an Entra object id (GUID)',
      });
      if (aad && users.some((x) => x.aadObjectId === aad.toLowerCase()))
        c.fail(`${p}.aadObjectId`, 'is listed twice');
      const roles: User['roles'] = [];
      if (!Array.isArray(u.roles)) c.fail(`${p}.roles`, 'must be an array (possibly empty)');
      else
        u.roles.forEach((r, j) => {
          const role = c.oneOf(r, `${p}.roles[${j}]`, ROLES);
          if (role && roles.includes(role)) c.fail(`${p}.roles[${j}]`, 'is listed twice');
          else if (role) roles.push(role);
        });
      const user = {
        tenantId: tenantId ?? '',
        aadObjectId: aad?.toLowerCase(),
        name: c.text(u.name, `${p}.name`),
        email: c.text(u.email, `${p}.email`, { pattern: EMAIL, what: 'an email address' }),
        association: c.oneOf(u.association, `${p}.association`, ACCOUNT_ASSOCIATIONS),
        roles,
        locale:
          u.locale === undefined
            ? null
            : (c.text(u.locale, `${p}.locale`, {
                max: 20,
                pattern: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/,
                what: 'a locale like en-US or zh-CN',
              }) ?? null),
      };
      if (user.aadObjectId && user.name && user.email && user.association) users.push(user as User);
    });

  const offers: MembershipOffer[] = [];
  const benefits: Benefit[] = [];
  const requesters: { path: string; by: string }[] = [];
  if (!Array.isArray(root.offers)) c.fail('$.offers', 'must be an array (possibly empty)');
  else
    root.offers.forEach((raw, i) => {
      const p = `$.offers[${i}]`;
      const f = c.object(raw, p, ['id', 'level', 'competency', 'startsOn', 'expiresOn', 'benefits']);
      if (!f) return;
      const id = c.text(f.id, `${p}.id`, {
        max: 60,
        pattern: OFFER_ID,
        what: 'lower-case letters, digits and dashes',
      });
      if (id && offers.some((x) => x.id === id)) c.fail(`${p}.id`, 'is listed twice');
      const level = c.oneOf(f.level, `${p}.level`, OFFER_LEVELS);
      let competency: string | null = null;
      if (level === 'actionPack') {
        if (f.competency !== undefined && f.competency !== null)
          c.fail(`${p}.competency`, 'Action Pack has no competency');
      } else if (level) {
        competency = c.text(f.competency, `${p}.competency`, { what: 'the competency name (R12)' }) ?? null;
      }
      const startsOn = c.date(f.startsOn, `${p}.startsOn`);
      const expiresOn = c.date(f.expiresOn, `${p}.expiresOn`);
      if (startsOn && expiresOn && startsOn > expiresOn)
        c.fail(`${p}.expiresOn`, 'must not be before startsOn');
      if (!id || !level || !startsOn || !expiresOn || (level !== 'actionPack' && !competency)) return;
      const offer: MembershipOffer = {
        id,
        tenantId: tenantId ?? '',
        level,
        competency,
        competencyClass: competency ? competencyClass(competency) : null, // R12
        startsOn,
        expiresOn,
      };
      offers.push(offer);
      const granted = benefitsGrantedBy(offer); // R11
      const states = f.benefits === undefined ? {} : c.object(f.benefits, `${p}.benefits`, BENEFIT_TYPES);
      if (states) {
        for (const type of Object.keys(states) as BenefitType[]) {
          if (BENEFIT_TYPES.includes(type) && !granted.some((g) => g.type === type)) {
            c.fail(`${p}.benefits.${type}`, `${offer.level} does not grant ${type} (R11, R13)`);
          }
        }
      }
      for (const g of granted) {
        const bp = `${p}.benefits.${g.type}`;
        const s =
          states?.[g.type] === undefined
            ? {}
            : c.object(states[g.type], bp, [
                'activation',
                'used',
                'accessId',
                'contractId',
                'requestedBy',
                'rejectedReason',
              ]);
        if (!s) continue;
        const state =
          s.activation === undefined
            ? 'notActivated'
            : c.oneOf<ActivationState>(s.activation, `${bp}.activation`, ACTIVATION_STATES);
        let used = 0;
        if (s.used !== undefined) {
          if (typeof s.used !== 'number' || !Number.isInteger(s.used) || s.used < 0)
            c.fail(`${bp}.used`, 'must be a whole number ≥ 0');
          else if (g.total !== null && s.used > g.total)
            c.fail(`${bp}.used`, `must not exceed the ${g.total} incidents granted (R11)`);
          else used = s.used;
          if (used > 0 && state !== 'active')
            c.fail(`${bp}.used`, 'incidents can only have been used on an active benefit (R7)');
        }
        const ids = { accessId: s.accessId, contractId: s.contractId };
        if (state === 'active') {
          for (const k of ['accessId', 'contractId'] as const) {
            if (typeof ids[k] !== 'string' || !ACTIVATION_ID_PATTERN.test(ids[k] as string))
              c.fail(`${bp}.${k}`, 'is required for an active benefit: 4–64 letters, digits or dashes (R9)');
          }
        } else {
          for (const k of ['accessId', 'contractId'] as const)
            if (ids[k] !== undefined) c.fail(`${bp}.${k}`, 'only an active benefit has one (R9)');
        }
        const requestedBy =
          s.requestedBy === undefined
            ? null
            : (c
                .text(s.requestedBy, `${bp}.requestedBy`, {
                  pattern: GUID,
                  what: entra ? 'an Entra object id (GUID)' : 'the aadObjectId of a user in this file',
                })
                ?.toLowerCase() ?? null);
        if (state === 'rejected' && s.rejectedReason === undefined)
          c.fail(`${bp}.rejectedReason`, 'is required for a rejected activation');
        if (state !== 'rejected' && s.rejectedReason !== undefined)
          c.fail(`${bp}.rejectedReason`, 'only a rejected activation has one');
        if (!state) continue;
        const requested = state !== 'notActivated';
        if (requested && requestedBy) requesters.push({ path: `${bp}.requestedBy`, by: requestedBy });
        const activation: Activation = {
          state,
          requestedBy: requested ? requestedBy : null,
          requestedAt: requested ? now : null,
          accessId: state === 'active' ? String(ids.accessId) : null,
          contractId: state === 'active' ? String(ids.contractId) : null,
          activatedAt: state === 'active' ? now : null,
          rejectedReason: state === 'rejected' ? String(s.rejectedReason) : null,
          decidedBy: state === 'active' || state === 'rejected' ? 'system:import' : null,
        };
        benefits.push({
          tenantId: tenantId ?? '',
          id: benefitId(id, g.type),
          offerId: id,
          type: g.type,
          total: g.total,
          used,
          activation,
        });
      }
    });

  // requestedBy must name an activating user of this file (R2). With Entra the file need not list
  // them: their roles then were Entra's and cannot be checked from here.
  for (const { path, by } of requesters) {
    const user = users.find((u) => u.aadObjectId === by);
    if (!user && entra) continue;
    if (!user || !user.roles.some((r) => r === 'globalAdmin' || r === 'mpnPartnerAdmin')) {
      c.fail(path, 'must be a Global admin or MPN partner admin listed in users (R2)');
    }
  }

  if (c.problems.length || !tenantId || !mpnId || !name) throw new ValidationError(c.problems);
  const lowerTenant = tenantId.toLowerCase();
  return {
    organisation: { tenantId: lowerTenant, mpnId, name },
    users: users.map((u) => ({ ...u, tenantId: lowerTenant })),
    offers: offers.map((o) => ({ ...o, tenantId: lowerTenant })),
    benefits: benefits.map((b) => ({ ...b, tenantId: lowerTenant })),
  };
}

export class OrganisationExistsError extends Error {
  constructor(readonly tenantId: string) {
    super(`Organisation ${tenantId} is already imported (use --replace to replace it and its incidents)`);
  }
}

/** Writes a parsed organisation in one transaction: all of it, or nothing. */
export async function importOrganisation(
  store: Store,
  clock: Clock,
  doc: unknown,
  options: { replace?: boolean; actor?: string } & ParseOptions = {},
): Promise<ImportedOrganisation> {
  const parsed = parseOrganisation(doc, clock, options);
  const tenantId = parsed.organisation.tenantId;
  await store.transaction(async (tx) => {
    if (await tx.organisations.get(tenantId)) {
      if (!options.replace) throw new OrganisationExistsError(tenantId);
      await tx.organisations.delete(tenantId);
    }
    const now = isoTimestamp(clock);
    await tx.organisations.insert(parsed.organisation, now);
    for (const user of parsed.users) await tx.users.insert(user);
    for (const offer of parsed.offers) await tx.offers.insert(offer);
    for (const benefit of parsed.benefits) await tx.benefits.insert(benefit);
    await tx.audit.append({
      tenantId,
      actor: options.actor ?? 'system:import',
      action: options.replace ? 'organisation.replaced' : 'organisation.imported',
      subject: tenantId,
      details: { users: parsed.users.length, offers: parsed.offers.length, benefits: parsed.benefits.length },
      at: now,
    });
  });
  return parsed;
}
