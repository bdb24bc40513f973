/** What bench:services opens incidents with, on either engine: one organisation, one unlimited benefit, one input. */
import { fixedClock } from '../services/domain/clock';
import type { Services } from '../services/index';

export const TENANT = '11111111-2222-4333-8444-555555555555';
export const USER = '00000000-0000-4000-8000-0000000000a4';
export const clock = fixedClock('2026-06-15T09:00:00Z');
export const doc = {
  organisation: { tenantId: TENANT, mpnId: '1234567', name: 'Bench Partners' },
  users: [
    { aadObjectId: USER, name: 'Member', email: 'm@bench.example', association: 'mpn', roles: [] },
    {
      aadObjectId: '00000000-0000-4000-8000-0000000000a1',
      name: 'Admin',
      email: 'a@bench.example',
      association: 'mpn',
      roles: ['globalAdmin'],
    },
  ],
  offers: [
    {
      id: 'gold-cloud',
      level: 'gold',
      competency: 'Cloud Platform',
      startsOn: '2026-01-01',
      expiresOn: '2026-12-31',
      // Unlimited (R11), so the run never hits the quota.
      benefits: {
        signatureCloudSupport: {
          activation: 'active',
          accessId: 'ACC-0001',
          contractId: 'CON-0001',
          requestedBy: '00000000-0000-4000-8000-0000000000a1',
        },
      },
    },
  ],
};
export const input = {
  kind: 'cloud' as const,
  product: 'Azure Kubernetes Service',
  title: 'Node pool fails to scale',
  description: 'Scaling the user node pool from 3 to 5 nodes fails with a quota error.',
  severity: 'B' as const,
  contact: { name: 'Bench', email: 'bench@bench.example', phone: null },
};

/** The one benefit every bench incident goes to (unlimited, so the run never hits the quota). */
export const BENEFIT = 'gold-cloud.signatureCloudSupport';

/** The incident row's values after its id (the statement above fixes plan, kind, severity, state). */
export const incidentRow = (key: string, id: string, now: string) =>
  [
    TENANT,
    id,
    BENEFIT,
    input.product,
    input.title,
    input.description,
    input.contact.name,
    input.contact.email,
    USER,
    now,
    key,
  ] as const;

/** Incidents per second through IncidentService.open, one at a time, on whichever store `services` runs. */
export async function openIncidentsPerSecond(services: Services, count: number): Promise<number> {
  const who = { tenantId: TENANT, aadObjectId: USER };
  const start = process.hrtime.bigint();
  for (let n = 0; n < count; n++)
    await services.incidents.open(who, { ...input, idempotencyKey: `svc-${n}` });
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}
