/**
 * The people the bot benches send as: generated organisations (the demo organisation's offers,
 * admins, a support lead, members; every fourth person in Chinese), imported into a bot's
 * database with importOrganisation, and the question turns they send, as Teams sends them.
 * Shared by bench:bot and bench:memory.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { systemClock } from '../services/domain/clock';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { PROJECT_ROOT } from '../services/config';
import { locationOf, openStore } from '../services/storage/openStore';

export interface Population {
  organisations: number;
  peoplePerOrganisation: number;
  /** Where the bot's proactive messages (alerts) go; by default a closed port (they fail and are retried). */
  serviceUrl?: string;
}

export const people = (p: Population) => p.organisations * p.peoplePerOrganisation;

const hex12 = (n: number) => n.toString(16).padStart(12, '0');
export const tenantOf = (org: number) => `6f2c8a10-0000-4000-8000-${hex12(org + 1)}`;
const personOf = (p: Population, org: number, i: number) =>
  `00000000-0000-4000-9000-${hex12(org * p.peoplePerOrganisation + i + 1)}`;
/** Every fourth person uses Teams in Chinese. */
const chinese = (i: number) => i % 4 === 3;
/** Of every five Chinese speakers, one writes from Taiwan and one from Hong Kong (answered in Traditional). */
const localeOf = (i: number) =>
  chinese(i) ? ['zh-CN', 'zh-TW', 'zh-CN', 'zh-HK', 'zh-CN'][((i - 3) / 4) % 5] : 'en-US';

/** An organisation with the demo organisation's offers and its people: two admins, a support lead, members. */
function organisationDoc(p: Population, org: number, offers: unknown): Record<string, unknown> {
  return {
    organisation: { tenantId: tenantOf(org), mpnId: String(5_000_000 + org), name: `Bench Partner ${org}` },
    users: Array.from({ length: p.peoplePerOrganisation }, (_, i) => ({
      aadObjectId: personOf(p, org, i),
      name: `Person ${org}-${i}`,
      email: `person${i}@org${org}.example`,
      association: 'mpn',
      roles: i === 0 ? ['globalAdmin'] : i === 1 ? ['mpnPartnerAdmin'] : i === 2 ? ['supportLead'] : [],
      locale: localeOf(i),
    })),
    // The demo's requests were made by its two admins: here by this organisation's.
    offers: JSON.parse(
      JSON.stringify(offers)
        .replaceAll('00000000-0000-4000-8000-000000000001', personOf(p, org, 0))
        .replaceAll('00000000-0000-4000-8000-000000000002', personOf(p, org, 1)),
    ) as unknown,
  };
}

/** Imports every organisation of the population into the database, as the admin CLI does. */
export async function importPeople(p: Population, database: string): Promise<void> {
  const demo = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'examples/demo-org.json'), 'utf8')) as {
    offers: unknown;
  };
  // A SQLite file or a postgres:// URL (bench:bot --postgres).
  const store = await openStore(locationOf(database));
  try {
    for (let org = 0; org < p.organisations; org++)
      await importOrganisation(store, systemClock, organisationDoc(p, org, demo.offers), { actor: 'bench' });
  } finally {
    await store.close();
  }
}

const QUESTIONS = {
  en: ['how many incidents do we have left', 'show my benefits', 'what is the status of our activation'],
  zh: ['剩余多少支持事件', '查看我的权益'],
  zhHant: ['剩餘多少支援事件', '查看我的權益'],
};

/** Person `i` of organisation `org`: ids, name and language, as Teams sends them. */
export function person(p: Population, org: number, i: number) {
  const tenantId = tenantOf(org);
  const aadObjectId = personOf(p, org, i);
  const lang: 'en' | 'zh' = chinese(i) ? 'zh' : 'en';
  const locale = localeOf(i);
  const serviceUrl = p.serviceUrl ?? 'http://127.0.0.1:9/';
  return {
    org,
    i,
    tenantId,
    aadObjectId,
    lang,
    locale,
    name: `Person ${org}-${i}`,
    admin: i < 2,
    serviceUrl,
  };
}

export type Person = ReturnType<typeof person>;

/**
 * An activity from a person in their personal chat with the bot, as Teams sends it: a new
 * activity id each time, replies asked back in the HTTP response (expectReplies).
 */
export function personActivity(who: Person, fields: Record<string, unknown>): string {
  return JSON.stringify({
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: who.serviceUrl,
    locale: who.locale,
    from: { id: `29:${who.aadObjectId}`, name: who.name, aadObjectId: who.aadObjectId },
    recipient: { id: '28:bot', name: 'Partner Support' },
    conversation: { id: `a:bench-${who.aadObjectId}`, conversationType: 'personal', tenantId: who.tenantId },
    channelData: { tenant: { id: who.tenantId } },
    deliveryMode: 'expectReplies',
    ...fields,
  });
}

/** A card button pressed in Teams: an adaptiveCard/action invoke (Action.Execute) with its verb and data. */
export function cardAction(who: Person, verb: string, data: Record<string, unknown>): string {
  return personActivity(who, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data } },
  });
}

/** The n-th person of the population: people in turn, organisations interleaved. */
export function nthPerson(p: Population, n: number): Person {
  const k = n % people(p);
  return person(p, k % p.organisations, Math.floor(k / p.organisations));
}

/** A question a person asks, the n-th time round (the questions of bench:bot, in their language). */
export function question(who: Person, round: number): string {
  const questions = QUESTIONS[who.locale === 'zh-TW' || who.locale === 'zh-HK' ? 'zhHant' : who.lang];
  return questions[round % questions.length];
}

/** The n-th request: people in turn (organisations interleaved), a new activity id each time. */
export function activity(p: Population, n: number): string {
  const who = nthPerson(p, n);
  return personActivity(who, { text: question(who, Math.floor(n / people(p))) });
}
