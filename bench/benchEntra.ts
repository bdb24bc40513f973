/**
 * The local fake Entra sign-in service and Microsoft Graph (tests/helpers/fakeEntra.ts) for the
 * benches' DIRECTORY=entra runs: each organisation's people 0, 1 and 2 hold in Entra the roles
 * bench/population.ts gives them in the file (Global admin; MPN partner admin and support lead as
 * app roles), everyone else none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startFakeEntra, type FakeEntra } from '../tests/helpers/fakeEntra';
import { person, type Population } from './population';

const ENTRA_CLIENT_ID = '5a0e4a7c-1b2d-4c3e-8f9a-0b1c2d3e4f50';
const ENTRA_SECRET = 'bench-only-secret';

/** The fake, and its CA written to `dir` for a child process (BENCH_ENTRA_CA_FILE). */
export async function startBenchEntra(
  p: Population,
  dir: string,
): Promise<{ entra: FakeEntra; caFile: string }> {
  const entra = await startFakeEntra({ clientId: ENTRA_CLIENT_ID, secret: ENTRA_SECRET });
  for (let org = 0; org < p.organisations; org++) {
    const [admin, partnerAdmin, lead] = [0, 1, 2].map((i) => person(p, org, i));
    entra.makeGlobalAdmin(admin.tenantId, admin.aadObjectId);
    entra.assignAppRole(partnerAdmin.tenantId, partnerAdmin.aadObjectId, 'Benefits.Admin');
    entra.assignAppRole(lead.tenantId, lead.aadObjectId, 'Support.Lead');
  }
  const caFile = path.join(dir, 'fake-graph-ca.pem');
  fs.writeFileSync(caFile, entra.ca);
  return { entra, caFile };
}

/** The configuration of a bot whose directory is the fake (BENCH_ENTRA_CA_FILE: see bench/botServer.ts). */
export function entraEnv(entra: FakeEntra, caFile: string): Record<string, string> {
  return {
    DIRECTORY: 'entra',
    ENTRA_CLIENT_ID,
    ENTRA_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
    ENTRA_CLIENT_SECRET: ENTRA_SECRET,
    ENTRA_AUTHORITY_HOST: entra.authorityUrl,
    ENTRA_DISABLE_INSTANCE_DISCOVERY: 'true',
    GRAPH_BASE_URL: entra.graphUrl,
    ENTRA_ROLE_CACHE_MINUTES: '60', // longer than a run: measured turns find the roles cached
    BENCH_ENTRA_CA_FILE: caFile,
  };
}
