/** Quotas are never exceeded and keys never make two incidents, even across processes (R11, R14). */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { activeBenefit, incidentInput, offer, TENANT, TODAY, who, world } from './helpers/fixtures';

const run = promisify(execFile);
const WORKER = path.join(__dirname, 'helpers', 'incidentWorker.js');

interface WorkerResult {
  tally: Record<string, number>;
  ids: string[];
}

async function race(
  dbPath: string,
  processes: number,
  attempts: number,
  keyMode: 'unique' | 'shared',
): Promise<WorkerResult[]> {
  const startAt = Date.now() + 1500; // every process has opened its connection by then
  const runs = Array.from({ length: processes }, (_, id) =>
    run(process.execPath, [WORKER, dbPath, String(attempts), String(startAt), keyMode, String(id), TODAY]),
  );
  return (await Promise.all(runs)).map((r) => JSON.parse(r.stdout) as WorkerResult);
}

const sum = (results: WorkerResult[], key: string) => results.reduce((n, r) => n + (r.tally[key] ?? 0), 0);

describe('concurrency across processes on one SQLite file', function () {
  this.timeout(60_000);

  it('4 processes × 60 attempts against a quota of 20: exactly 20 open, 220 get the quota error, no SQLITE_BUSY', async () => {
    const w = await world([offer('gold-x', 'gold', 'Data Analytics')]);
    await w.close();
    const results = await race(w.dbPath, 4, 60, 'unique');
    const unexpected = results.flatMap((r) => Object.keys(r.tally).filter((k) => k.startsWith('unexpected')));
    expect(unexpected, 'errors other than the quota error').to.deep.equal([]);
    expect(sum(results, 'opened')).to.equal(20);
    expect(sum(results, 'quotaExceeded')).to.equal(220);

    const store = SqliteStore.open(w.dbPath);
    try {
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
    } finally {
      await store.close();
    }
  });

  it('3 processes sending the same 15 keys: 15 incidents, every repeat gets the first incident back', async () => {
    const w = await world([offer('gold-x', 'gold', 'Data Analytics')]);
    await w.close();
    const results = await race(w.dbPath, 3, 15, 'shared');
    expect(sum(results, 'opened')).to.equal(15);
    expect(sum(results, 'replayed')).to.equal(30);
    // Every process saw the same incident for the same key.
    for (let n = 0; n < 15; n++) expect(new Set(results.map((r) => r.ids[n])).size, `key ${n}`).to.equal(1);
    const store = SqliteStore.open(w.dbPath);
    try {
      expect((await store.read((tx) => tx.benefits.get(TENANT, 'gold-x.productSupport')))?.used).to.equal(15);
    } finally {
      await store.close();
    }
  });
});

describe('idempotency within one process', () => {
  it('one key sent twice gives one incident and consumes one', async () => {
    const w = await world([offer('ap', 'actionPack', null)]);
    try {
      const first = await w.services.incidents.open(who('member'), incidentInput('onPremises', 'card-123'));
      const second = await w.services.incidents.open(who('member'), incidentInput('onPremises', 'card-123'));
      expect(second.id).to.equal(first.id);
      expect([first.replayed, second.replayed]).to.deep.equal([false, true]);
      expect((await w.services.benefits.view(who('member'))).offers[0].benefits[0].used).to.equal(1);
    } finally {
      await w.close();
    }
  });

  it('one key sent 10 times concurrently gives one incident', async () => {
    const w = await world([offer('ap', 'actionPack', null)]);
    try {
      const all = await Promise.all(
        Array.from({ length: 10 }, () =>
          w.services.incidents.open(who('member'), incidentInput('onPremises', 'double-click')),
        ),
      );
      expect(new Set(all.map((i) => i.id)).size).to.equal(1);
      expect(all.filter((i) => !i.replayed)).to.have.length(1);
      expect(await w.store.read((tx) => tx.incidents.list(TENANT))).to.have.length(1);
    } finally {
      await w.close();
    }
  });

  it('a repeated key is answered even after the quota ran out with it', async () => {
    const w = await world([offer('ap', 'actionPack', null, { productSupport: activeBenefit(9) })]);
    try {
      const last = await w.services.incidents.open(who('member'), incidentInput('onPremises', 'last-one'));
      const retry = await w.services.incidents.open(who('member'), incidentInput('onPremises', 'last-one'));
      expect(retry.id).to.equal(last.id);
      expect(retry.replayed).to.equal(true);
    } finally {
      await w.close();
    }
  });
});
