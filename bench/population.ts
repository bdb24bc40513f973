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
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';

export interface Population {
  organisations: number;
  peoplePerOrganisation: number;
}

export const people = (p: Population) => p.organisations * p.peoplePerOrganisation;

const hex12 = (n: number) => n.toString(16).padStart(12, '0');
const tenantOf = (org: number) => `6f2c8a10-0000-4000-8000-${hex12(org + 1)}`;
const personOf = (p: Population, org: number, i: number) =>
  `00000000-0000-4000-9000-${hex12(org * p.peoplePerOrganisation + i + 1)}`;
/** Every fourth person uses Teams in Chinese. */
const chinese = (i: number) => i % 4 === 3;

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
      locale: chinese(i) ? 'zh-CN' : 'en-US',
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
  const store = SqliteStore.open(database);
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
};

/** The n-th request: people in turn (organisations interleaved), a new activity id each time. */
export function activity(p: Population, n: number): string {
  const person = n % people(p);
  const org = person % p.organisations;
  const i = Math.floor(person / p.organisations);
  const lang = chinese(i) ? 'zh' : 'en';
  const questions = QUESTIONS[lang];
  const tenantId = tenantOf(org);
  const aadObjectId = personOf(p, org, i);
  return JSON.stringify({
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    locale: lang === 'zh' ? 'zh-CN' : 'en-US',
    text: questions[Math.floor(n / people(p)) % questions.length],
    from: { id: `29:${aadObjectId}`, name: `Person ${org}-${i}`, aadObjectId },
    recipient: { id: '28:bot', name: 'Partner Support' },
    conversation: { id: `a:bench-${aadObjectId}`, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    deliveryMode: 'expectReplies',
  });
}
