/** Test organisations built as import documents, imported into real SQLite files in temp dirs. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../services/domain/clock';
import { createServices, type Services } from '../../services/index';
import { importOrganisation } from '../../services/organisations/importOrganisation';
import { SqliteStore } from '../../services/storage/sqlite/sqliteStore';

export const TENANT = '11111111-2222-4333-8444-555555555555';
export const OTHER_TENANT = '99999999-2222-4333-8444-555555555555';
export const TODAY = '2026-06-15';

export const USERS = {
  globalAdmin: '00000000-0000-4000-8000-0000000000a1',
  partnerAdmin: '00000000-0000-4000-8000-0000000000a2',
  adminAgent: '00000000-0000-4000-8000-0000000000a3',
  member: '00000000-0000-4000-8000-0000000000a4',
  cspOnly: '00000000-0000-4000-8000-0000000000a5',
  supportLead: '00000000-0000-4000-8000-0000000000a6',
  unassociated: '00000000-0000-4000-8000-0000000000a7',
  cspAgent: '00000000-0000-4000-8000-0000000000a8',
} as const;

export const who = (user: keyof typeof USERS, tenantId = TENANT) => ({ tenantId, aadObjectId: USERS[user] });

export type OfferDoc = Record<string, unknown>;

export function orgDoc(offers: OfferDoc[], tenantId = TENANT): Record<string, unknown> {
  const user = (key: keyof typeof USERS, association: string, roles: string[]) => ({
    aadObjectId: USERS[key],
    name: key,
    email: `${key}@partner.example`,
    association,
    roles,
  });
  return {
    organisation: { tenantId, mpnId: '1234567', name: 'Fabrikam Partners' },
    users: [
      user('globalAdmin', 'mpn', ['globalAdmin']),
      user('partnerAdmin', 'mpn', ['mpnPartnerAdmin']),
      user('adminAgent', 'mpn', ['adminAgent']),
      user('member', 'mpn', []),
      user('cspOnly', 'cspOnly', []),
      user('supportLead', 'mpn', ['supportLead']),
      user('unassociated', 'none', []),
      user('cspAgent', 'cspOnly', ['adminAgent']),
    ],
    offers,
  };
}

const active = (used = 0, tag = 'X') => ({
  activation: 'active',
  accessId: `ACC-${tag}-0001`,
  contractId: `CON-${tag}-0001`,
  requestedBy: USERS.globalAdmin,
  used,
});

/** An offer doc; `benefits` states default to active with nothing used. */
export function offer(
  id: string,
  level: 'actionPack' | 'silver' | 'gold',
  competency: string | null,
  benefits: Record<string, unknown> | 'allActive' = 'allActive',
  dates: { startsOn?: string; expiresOn?: string } = {},
): OfferDoc {
  const granted = level === 'actionPack' ? ['productSupport'] : ['productSupport', 'signatureCloudSupport'];
  const states =
    benefits === 'allActive'
      ? Object.fromEntries(granted.map((t) => [t, active(0, id.toUpperCase())]))
      : benefits;
  return {
    id,
    level,
    ...(competency ? { competency } : {}),
    startsOn: dates.startsOn ?? '2026-01-01',
    expiresOn: dates.expiresOn ?? '2026-12-31',
    benefits: states,
  };
}

export { active as activeBenefit };

const tempDirs: string[] = [];
// Tests may close a database and open it again (other processes, restarts): remove the files at exit.
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDbPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-'));
  tempDirs.push(dir);
  return path.join(dir, 'test.sqlite');
}

export interface TestWorld {
  services: Services;
  store: SqliteStore;
  clock: ReturnType<typeof fixedClock>;
  dbPath: string;
  close(): Promise<void>;
}

export async function world(
  offers: OfferDoc[],
  opts: { dbPath?: string; today?: string } = {},
): Promise<TestWorld> {
  const dbPath = opts.dbPath ?? tempDbPath();
  const store = SqliteStore.open(dbPath);
  const clock = fixedClock(`${opts.today ?? TODAY}T09:00:00Z`);
  await importOrganisation(store, clock, orgDoc(offers));
  return { services: createServices(store, clock), store, clock, dbPath, close: () => store.close() };
}

export const incidentInput = (kind: 'onPremises' | 'cloud' | 'cspAzure', key?: string) => ({
  kind,
  product: kind === 'onPremises' ? 'SQL Server 2022' : 'Azure App Service',
  title: 'Service fails to start after update',
  description: 'After the latest cumulative update the service stops with error 0x80070005.',
  severity: 'B' as const,
  contact: { name: 'Dana Example', email: 'dana@partner.example', phone: '+1 425 555 0100' },
  ...(key ? { idempotencyKey: key } : {}),
});
