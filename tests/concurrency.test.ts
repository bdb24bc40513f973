/**
 * Quotas are never exceeded, keys never make two incidents, and nobody is refused while an
 * eligible benefit has incidents left, even with several processes or instances on one database
 * (R11, R14; issue 11), on SQLite and on PostgreSQL.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fixedClock } from '../services/domain/clock';
import { BenefitRuleError } from '../services/domain/errors';
import { createServices } from '../services/index';
import type { Store } from '../services/storage/repositories';
import { engineWorld, forEachEngine, inspect } from './helpers/engines';
import { activeBenefit, incidentInput, offer, TENANT, TODAY, who } from './helpers/fixtures';

const run = promisify(execFile);
const WORKER = path.join(__dirname, 'helpers', 'incidentWorker.js');

interface WorkerResult {
  tally: Record<string, number>;
  ids: string[];
}

async function race(
  address: string,
  processes: number,
  attempts: number,
  keyMode: 'unique' | 'shared',
): Promise<WorkerResult[]> {
  const startAt = Date.now() + 2500; // every process has opened its connection by then
  const runs = Array.from({ length: processes }, (_, id) =>
    run(process.execPath, [WORKER, address, String(attempts), String(startAt), keyMode, String(id), TODAY]),
  );
  return (await Promise.all(runs)).map((r) => JSON.parse(r.stdout) as WorkerResult);
}

const sum = (results: WorkerResult[], key: string) => results.reduce((n, r) => n + (r.tally[key] ?? 0), 0);
const unexpectedOf = (results: WorkerResult[]) =>
  results.flatMap((r) => Object.keys(r.tally).filter((k) => k.startsWith('unexpected')));

/** Two Product Support benefits: the Action Pack's expires first, so it is chosen first, with 4 left; then Gold's 20. */
const twoBenefits = () => [
  offer('ap', 'actionPack', null, { productSupport: activeBenefit(6, 'AP') }, { expiresOn: '2026-09-30' }),
  offer('gold-x', 'gold', 'Data Analytics'),
];

forEachEngine('concurrency across processes on one database', (engine) => {
  before(function () {
    this.timeout(60_000);
  });

  it('4 processes × 60 attempts against a quota of 20: exactly 20 open, 220 get the quota error, nothing else', async function () {
    this.timeout(120_000);
    const w = await engineWorld(engine, [offer('gold-x', 'gold', 'Data Analytics')]);
    await w.close();
    const results = await race(w.address, 4, 60, 'unique');
    expect(unexpectedOf(results), 'errors other than the quota error').to.deep.equal([]);
    expect(sum(results, 'opened')).to.equal(20);
    expect(sum(results, 'quotaExceeded')).to.equal(220);

    await inspect(engine, w.address, async (store) => {
      const benefit = await store.read((tx) => tx.benefits.get(TENANT, 'gold-x.productSupport'));
      expect(benefit?.used).to.equal(20);
      const incidents = await store.read((tx) => tx.incidents.list(TENANT));
      expect(incidents).to.have.length(20);
      expect(new Set(incidents.map((i) => i.id)).size).to.equal(20);
      const audit = await store.read((tx) => tx.audit.list(TENANT));
      expect(audit.filter((a) => a.action === 'incident.opened')).to.have.length(20);
      const alerts = await store.read((tx) => tx.outbox.list(TENANT));
      expect(alerts.map((a) => a.payload.kind === 'quotaThreshold' && a.payload.threshold)).to.deep.equal([
        'half',
        'eightyPercent',
        'oneLeft',
        'exhausted',
      ]);
    });
  });

  it('3 processes sending the same 15 keys: 15 incidents, every repeat gets the first incident back', async function () {
    this.timeout(120_000);
    const w = await engineWorld(engine, [offer('gold-x', 'gold', 'Data Analytics')]);
    await w.close();
    const results = await race(w.address, 3, 15, 'shared');
    expect(unexpectedOf(results)).to.deep.equal([]);
    expect(sum(results, 'opened')).to.equal(15);
    expect(sum(results, 'replayed')).to.equal(30);
    // Every process saw the same incident for the same key.
    for (let n = 0; n < 15; n++) expect(new Set(results.map((r) => r.ids[n])).size, `key ${n}`).to.equal(1);
    await inspect(engine, w.address, async (store) => {
      expect((await store.read((tx) => tx.benefits.get(TENANT, 'gold-x.productSupport')))?.used).to.equal(15);
      expect(await store.read((tx) => tx.incidents.list(TENANT))).to.have.length(15);
    });
  });

  it('no false refusals: 4 processes × 6 attempts for exactly the 24 incidents left: all 24 open, the first benefit used up, then the next', async function () {
    this.timeout(120_000);
    const w = await engineWorld(engine, twoBenefits());
    await w.close();
    const results = await race(w.address, 4, 6, 'unique');
    expect(unexpectedOf(results)).to.deep.equal([]);
    expect(sum(results, 'quotaExceeded'), 'refused while incidents were left').to.equal(0);
    expect(sum(results, 'opened')).to.equal(24);
    await inspect(engine, w.address, async (store) => {
      const benefits = await store.read((tx) => tx.benefits.list(TENANT));
      expect(Object.fromEntries(benefits.map((b) => [b.id, b.used]))).to.include({
        'ap.productSupport': 10,
        'gold-x.productSupport': 20,
      });
      const incidents = await store.read((tx) => tx.incidents.list(TENANT));
      expect(incidents.filter((i) => i.benefitId === 'ap.productSupport')).to.have.length(4);
      expect(incidents.filter((i) => i.benefitId === 'gold-x.productSupport')).to.have.length(20);
    });
  });

  /** Several instances on one database, opening `count` incidents at once; what each attempt got. */
  async function burst(count: number): Promise<{ opened: string[]; errors: string[]; address: string }> {
    const w = await engineWorld(engine, twoBenefits());
    // Instances in one process: PostgreSQL stores with pools of their own. Two SQLite stores in
    // one process would block each other's synchronous lock waits; there the processes above
    // stand for instances, and one store's queue takes the burst.
    const instances: Store[] = [w.store];
    if (engine.name === 'PostgreSQL')
      instances.push(...(await Promise.all([engine.open(w.address), engine.open(w.address)])));
    try {
      const clock = fixedClock(`${TODAY}T09:00:00Z`);
      const services = instances.map((s) => createServices(s, clock));
      const outcomes = await Promise.all(
        Array.from({ length: count }, (_, n) =>
          services[n % services.length].incidents
            .open(who('member'), incidentInput('onPremises', `burst-${n}`))
            .then(
              (incident) => ({ opened: incident.benefitId, error: null }),
              (err: unknown) => ({
                opened: null,
                error: err instanceof BenefitRuleError ? err.code : `unexpected: ${String(err)}`,
              }),
            ),
        ),
      );
      return {
        opened: outcomes.flatMap((o) => (o.opened ? [o.opened] : [])),
        errors: outcomes.flatMap((o) => (o.error ? [o.error] : [])),
        address: w.address,
      };
    } finally {
      await Promise.all(instances.map((s) => s.close()));
    }
  }

  const usedOf = (address: string) =>
    inspect(engine, address, async (store) => {
      const benefits = await store.read((tx) => tx.benefits.list(TENANT));
      const incidents = await store.read((tx) => tx.incidents.list(TENANT));
      return { used: Object.fromEntries(benefits.map((b) => [b.id, b.used])), incidents: incidents.length };
    });

  it('no false refusals: 24 confirmations at once from several instances for exactly the 24 incidents left: all open', async function () {
    this.timeout(120_000);
    const { opened, errors, address } = await burst(24);
    expect(errors).to.deep.equal([]);
    expect(opened.filter((b) => b === 'ap.productSupport')).to.have.length(4);
    expect(opened.filter((b) => b === 'gold-x.productSupport')).to.have.length(20);
    const { used, incidents } = await usedOf(address);
    expect(used).to.include({ 'ap.productSupport': 10, 'gold-x.productSupport': 20 });
    expect(incidents).to.equal(24);
  });

  it('600 confirmations at once from several instances against 24 incidents left: exactly 24 open, 576 refused', async function () {
    this.timeout(180_000);
    const { opened, errors, address } = await burst(600);
    expect(errors.filter((e) => e.startsWith('unexpected')).slice(0, 3)).to.deep.equal([]);
    expect(opened).to.have.length(24);
    expect(errors.filter((e) => e === 'quotaExceeded')).to.have.length(576);
    const { used, incidents } = await usedOf(address);
    expect(used).to.include({ 'ap.productSupport': 10, 'gold-x.productSupport': 20 });
    expect(incidents).to.equal(24);
  });
});
