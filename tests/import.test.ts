/** Importing organisations: the demo file, every problem reported, and all-or-nothing writes. */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fixedClock } from '../services/domain/clock';
import { ValidationError } from '../services/domain/errors';
import { ACTIVATION_STATES, ROLES } from '../services/domain/types';
import {
  importOrganisation,
  OrganisationExistsError,
  parseOrganisation,
} from '../services/organisations/importOrganisation';
import type { Store, StoreTx } from '../services/storage/repositories';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { forEachEngine } from './helpers/engines';
import { offer, orgDoc, TENANT, tempDbPath, USERS } from './helpers/fixtures';

const ROOT = path.resolve(__dirname, '../..');
const DEMO = path.join(ROOT, 'examples/demo-org.json');
const clock = fixedClock('2026-06-15T09:00:00Z');
const run = promisify(execFile);

describe('organisation import', () => {
  it('the demo organisation covers every case the product handles', () => {
    const demo = parseOrganisation(JSON.parse(fs.readFileSync(DEMO, 'utf8')), clock);
    const roles = new Set(demo.users.flatMap((u) => u.roles));
    for (const role of ROLES) expect(roles.has(role), role).to.equal(true);
    expect(demo.users.some((u) => u.association === 'cspOnly')).to.equal(true);
    expect(demo.users.some((u) => u.association === 'mpn' && u.roles.length === 0)).to.equal(true);
    expect(new Set(demo.offers.map((o) => o.level))).to.deep.equal(new Set(['actionPack', 'silver', 'gold']));
    expect(new Set(demo.offers.map((o) => o.competencyClass).filter(Boolean))).to.deep.equal(
      new Set(['cloud', 'other']),
    );
    for (const state of ACTIVATION_STATES) {
      expect(
        demo.benefits.some((b) => b.activation.state === state),
        state,
      ).to.equal(true);
    }
    const nearlyExhausted = demo.benefits.filter(
      (b) => b.total !== null && b.activation.state === 'active' && b.total - b.used <= 2,
    );
    expect(nearlyExhausted.length).to.be.greaterThan(0);
    expect(demo.benefits.some((b) => b.total === null)).to.equal(true);
  });

  it('relative dates keep the demo current: "+20d" is twenty days after the import day', () => {
    const demo = parseOrganisation(JSON.parse(fs.readFileSync(DEMO, 'utf8')), clock);
    expect(demo.offers.find((o) => o.id === 'silver-data-analytics')?.expiresOn).to.equal('2026-07-05');
  });
});

forEachEngine('organisation import into the database', (engine) => {
  it('an invalid document lists every problem with its JSON path, and nothing is written', async () => {
    const doc = orgDoc([
      offer('ap', 'actionPack', 'Security', { signatureCloudSupport: {} }),
      { id: 'Bad Id', level: 'platinum', startsOn: '2026-02-30', expiresOn: 'soon' },
      offer('gold-x', 'gold', 'Cloud Platform', {
        productSupport: { activation: 'active', used: 21 },
        signatureCloudSupport: {
          activation: 'pending',
          requestedBy: '00000000-0000-4000-8000-0000000000a4',
          accessId: 'ACC-1',
        },
      }),
    ]) as { organisation: Record<string, unknown>; users: Record<string, unknown>[] };
    doc.organisation.tenantId = 'not-a-guid';
    doc.users[0].roles = ['superuser'];
    doc.users[1].emial = 'typo@x.example';
    const store = await engine.open(await engine.newDatabase());
    try {
      let problems: { path: string; reason: string }[] = [];
      try {
        await importOrganisation(store, clock, doc);
      } catch (err) {
        expect(err).to.be.instanceOf(ValidationError);
        problems = [...(err as ValidationError).problems];
      }
      const paths = problems.map((p) => p.path);
      expect(paths).to.include.members([
        '$.organisation.tenantId',
        '$.users[0].roles[0]',
        '$.users[1].emial',
        '$.offers[0].competency',
        '$.offers[0].benefits.signatureCloudSupport',
        '$.offers[1].id',
        '$.offers[1].level',
        '$.offers[1].startsOn',
        '$.offers[1].expiresOn',
        '$.offers[2].benefits.productSupport.used',
        '$.offers[2].benefits.productSupport.accessId',
        '$.offers[2].benefits.productSupport.contractId',
        '$.offers[2].benefits.signatureCloudSupport.accessId',
        '$.offers[2].benefits.signatureCloudSupport.requestedBy',
      ]);
      expect(problems.find((p) => p.path === '$.offers[0].benefits.signatureCloudSupport')?.reason).to.match(
        /R11/,
      );
      expect(await store.read((tx) => tx.organisations.list())).to.deep.equal([]);
    } finally {
      await store.close();
    }
  });

  it('a failure half-way through the write leaves the database unchanged', async () => {
    const real = await engine.open(await engine.newDatabase());
    // The real store, with the third benefit insert failing as a full disk would.
    let inserts = 0;
    const failing: Store = {
      read: (work) => real.read(work),
      readCached: (key, scopes, work) => real.readCached(key, scopes, work),
      get commits() {
        return real.commits;
      },
      close: () => real.close(),
      transaction: (work) =>
        real.transaction((tx) => {
          const benefits = {
            ...tx.benefits,
            insert: async (b: Parameters<StoreTx['benefits']['insert']>[0]) => {
              if (++inserts === 3) throw new Error('disk full'); // as a full disk would, on either engine
              return tx.benefits.insert(b);
            },
          };
          return work({ ...tx, benefits });
        }),
    };
    try {
      let failed = false;
      await importOrganisation(
        failing,
        clock,
        orgDoc([offer('ap', 'actionPack', null), offer('gold-x', 'gold', 'Security')]),
      ).catch(() => (failed = true));
      expect(failed).to.equal(true);
      expect(inserts).to.equal(3);
      const counts = await real.read(async (tx) => ({
        o: (await tx.organisations.list()).length,
        u: (await tx.users.list(TENANT)).length,
        f: (await tx.offers.list(TENANT)).length,
        b: (await tx.benefits.list(TENANT)).length,
        a: (await tx.audit.list(TENANT)).length,
      }));
      expect(counts).to.deep.equal({ o: 0, u: 0, f: 0, b: 0, a: 0 });
    } finally {
      await real.close();
    }
  });

  it('importing the same tenant twice is refused unless replacing', async () => {
    const store = await engine.open(await engine.newDatabase());
    try {
      await importOrganisation(store, clock, orgDoc([offer('ap', 'actionPack', null)]));
      let refused: unknown;
      await importOrganisation(store, clock, orgDoc([])).catch((err) => (refused = err));
      expect(refused).to.be.instanceOf(OrganisationExistsError);
      await importOrganisation(store, clock, orgDoc([offer('gold-x', 'gold', 'Security')]), {
        replace: true,
      });
      expect((await store.read((tx) => tx.offers.list(TENANT))).map((o) => o.id)).to.deep.equal(['gold-x']);
    } finally {
      await store.close();
    }
  });
});

describe('organisation import with DIRECTORY=entra: people are found on first contact, none need listing', () => {
  const problemsOf = (doc: unknown, directory?: 'file' | 'entra') => {
    try {
      parseOrganisation(doc, clock, { directory });
      return [];
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return err.problems.map((p) => `${p.path} ${p.reason}`);
    }
  };
  // Active benefits requested by the file's Global admin, who is then not listed.
  const withoutPeople = (users?: unknown[]) => {
    const doc = orgDoc([offer('gold-x', 'gold', 'Security')]);
    delete doc.users;
    return users === undefined ? doc : { ...doc, users };
  };

  it('an organisation with no people (users empty or left out) imports with entra, and its past requests name Entra object ids', async () => {
    expect(problemsOf(withoutPeople([]), 'entra')).to.deep.equal([]);
    expect(problemsOf(withoutPeople(), 'entra')).to.deep.equal([]);
    const store = SqliteStore.open(tempDbPath());
    try {
      const imported = await importOrganisation(store, clock, withoutPeople([]), { directory: 'entra' });
      expect(imported.users).to.deep.equal([]);
      expect(await store.read((tx) => tx.users.list(TENANT))).to.deep.equal([]);
      const benefit = await store.read((tx) => tx.benefits.get(TENANT, 'gold-x.productSupport'));
      expect(benefit?.activation.requestedBy).to.equal(USERS.globalAdmin);
    } finally {
      await store.close();
    }
  });

  it('with the file directory (the default) people are still required and requests must name a listed admin (R2)', () => {
    expect(problemsOf(withoutPeople([]))).to.include('$.users must be a non-empty array');
    expect(problemsOf(withoutPeople([]), 'file')).to.include('$.users must be a non-empty array');
    expect(problemsOf(withoutPeople())).to.include('$.users must be a non-empty array');
    expect(problemsOf(withoutPeople([]))).to.include(
      '$.offers[0].benefits.productSupport.requestedBy must be a Global admin or MPN partner admin listed in users (R2)',
    );
  });

  it('with entra a listed person who is not an admin still cannot be the requester (R2), and users must be an array', () => {
    const member = {
      aadObjectId: USERS.globalAdmin,
      name: 'M',
      email: 'm@x.example',
      association: 'mpn',
      roles: [],
    };
    expect(problemsOf(withoutPeople([member]), 'entra')).to.include(
      '$.offers[0].benefits.productSupport.requestedBy must be a Global admin or MPN partner admin listed in users (R2)',
    );
    expect(problemsOf({ ...withoutPeople(), users: 'nobody' }, 'entra')).to.include(
      '$.users must be an array (possibly empty)',
    );
  });
});

forEachEngine('admin CLI (npm run admin)', function (engine) {
  this.timeout(30_000);
  const cli = (args: string[], address: string, env: Record<string, string> = {}) =>
    run(process.execPath, [path.join(ROOT, 'dist/services/cli/admin.js'), ...args], {
      env: { ...process.env, DATABASE_URL: '', ...engine.env(address), ...env },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  it('imports the demo, shows a user’s view, records activation IDs and exports CSV', async () => {
    const db = await engine.newDatabase();
    expect((await cli(['import', DEMO], db)).stdout).to.match(
      /Imported Contoso Partner Solutions .* 6 users, 4 offers, 7 benefits/,
    );
    const tenant = '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
    const show = await cli(['show', tenant, '00000000-0000-4000-8000-000000000004'], db);
    expect(show.stdout).to.match(/2 of 20 left/);
    expect(show.stdout).to.match(/May not activate benefits/);
    const csp = await cli(['show', tenant, '00000000-0000-4000-8000-000000000005'], db);
    expect(csp.code).to.equal(1);
    expect(csp.stderr).to.match(/You are not authorized for this action \(notAuthorized, R4\)/);
    const rec = await cli(
      ['record-activation', tenant, 'silver-data-analytics.productSupport', 'SDA-1200-77', 'CT-3321-SDA'],
      db,
    );
    expect(rec.stdout).to.match(/is active/);
    const csv = await cli(['export-incidents', tenant], db);
    expect(csv.stdout.split('\r\n')[0]).to.equal(
      'id,state,plan,kind,benefitId,product,title,description,severity,contactName,contactEmail,contactPhone,openedBy,openedAt,closedBy,closedAt',
    );
  });

  it('alert settings: thresholds and the pending reminder period change; bad values are refused by name', async () => {
    const db = await engine.newDatabase();
    await cli(['import', DEMO], db);
    const tenant = '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
    const before = await cli(['alerts', tenant], db);
    expect(before.stdout).to.match(
      /thresholds: half, eightyPercent, oneLeft, exhausted; pending reminder every 5 days/,
    );
    const set = await cli(
      ['alert-settings', tenant, '--thresholds', 'exhausted,oneLeft', '--pending-days', '3'],
      db,
    );
    expect(set.stdout).to.match(/thresholds: oneLeft, exhausted; pending reminder every 3 days/);
    const bad = await cli(['alert-settings', tenant, '--thresholds', 'often', '--pending-days', '0'], db);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/thresholds: unknown: often/);
    expect(bad.stderr).to.match(/pendingReminderDays: a whole number of days from 1 to 60/);
    expect((await cli(['alerts', tenant], db)).stdout).to.match(/thresholds: oneLeft, exhausted/);
  });

  it('with DIRECTORY=entra an organisation file that lists nobody imports; with the file directory it is refused', async () => {
    const db = await engine.newDatabase();
    const file = path.join(path.dirname(tempDbPath()), 'no-people.json');
    const demo = JSON.parse(fs.readFileSync(DEMO, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...demo, users: [] }));
    const refused = await cli(['import', file], db);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('$.users');
    const entra = {
      DIRECTORY: 'entra',
      ENTRA_CLIENT_ID: '5a0e4a7c-1b2d-4c3e-8f9a-0b1c2d3e4f50',
      ENTRA_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
      ENTRA_CLIENT_SECRET: 'test-only-secret',
    };
    const imported = await cli(['import', file], db, entra);
    expect(imported.stderr).to.equal('');
    expect(imported.stdout).to.match(/Imported Contoso Partner Solutions .* 0 users, 4 offers, 7 benefits/);
  });

  it('a bad file gets every problem listed, exit code 1 and no stack trace', async () => {
    const db = await engine.newDatabase();
    const bad = path.join(path.dirname(tempDbPath()), 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ organisation: { tenantId: 'x', mpnId: 'abc' }, users: [], offers: {} }),
    );
    const r = await cli(['import', bad], db);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('Nothing was changed');
    for (const p of [
      '$.organisation.tenantId',
      '$.organisation.mpnId',
      '$.organisation.name',
      '$.users',
      '$.offers',
    ]) {
      expect(r.stderr).to.include(p);
    }
    expect(r.stderr).not.to.match(/\bat .*\.js:\d+/);
    const notJson = await cli(['import', path.join(ROOT, 'README.md')], db);
    expect(notJson.code).to.equal(2);
    expect(notJson.stderr).to.match(/Cannot read .* as JSON/);
  });
});
