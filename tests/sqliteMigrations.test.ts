/**
 * SQLite migration 6 on a database made before it (issue 11): offers, benefits and incidents are
 * rebuilt with an explicit `seq` column, so insertion order no longer rests on rowid. Their rows,
 * their order, the foreign keys between them and the change log survive the rebuild.
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { createServices } from '../services/index';
import { fixedClock } from '../services/domain/clock';
import { migrate } from '../services/storage/sqlite/migrate';
import { MIGRATIONS } from '../services/storage/sqlite/migrations';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { incidentInput, TENANT, TODAY, tempDbPath, USERS, who } from './helpers/fixtures';

describe('SQLite migration 6: a seq column instead of rowid order', () => {
  const clock = fixedClock(`${TODAY}T09:00:00Z`);
  /** A file at migration 5, written with plain SQL (today's store needs migration 6 to open). */
  function databaseBeforeMigration6(): string {
    const file = tempDbPath();
    const db = new Database(file);
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 5),
    );
    const at = `${TODAY}T09:00:00.000Z`;
    db.prepare("INSERT INTO organisations VALUES (?, '1234567', 'Fabrikam', ?)").run(TENANT, at);
    db.prepare("INSERT INTO users VALUES (?, ?, 'member', 'm@partner.example', 'mpn', '', NULL)").run(
      TENANT,
      USERS.member,
    );
    const offer = db.prepare(
      "INSERT INTO membership_offers VALUES (?, ?, 'gold', NULL, NULL, '2026-01-01', '2026-12-31')",
    );
    const benefit = db.prepare(
      "INSERT INTO benefits (tenant_id, id, offer_id, type, total, used, activation_state) VALUES (?, ?, ?, ?, 10, ?, 'active')",
    );
    // Not in alphabetical order, so only insertion order lists them this way.
    for (const id of ['zeta', 'alpha']) {
      offer.run(TENANT, id);
      benefit.run(TENANT, `${id}.productSupport`, id, 'productSupport', id === 'zeta' ? 3 : 0);
    }
    const incident = db.prepare(
      `INSERT INTO incidents (tenant_id, id, benefit_id, plan, kind, product, title, description, severity,
         contact_name, contact_email, state, opened_by, opened_at, idempotency_key)
       VALUES (?, ?, 'zeta.productSupport', 'productSupport', 'onPremises', 'SQL Server', 't', 'd', 'B',
         'n', 'n@partner.example', 'open', ?, ?, ?)`,
    );
    // Opened in the same millisecond: only insertion order tells them apart.
    for (const key of ['k1', 'k2', 'k3']) incident.run(TENANT, `INC-${key}`, USERS.member, at, key);
    expect(db.prepare("SELECT name FROM pragma_table_info('incidents')").pluck().all()).not.to.include('seq');
    db.close();
    return file;
  }

  const snapshot = (store: SqliteStore) =>
    store.read(async (tx) => ({
      offers: (await tx.offers.list(TENANT)).map((o) => o.id),
      benefits: (await tx.benefits.list(TENANT)).map((b) => `${b.id} ${b.used}`),
      incidents: (await tx.incidents.list(TENANT)).map((i) => i.idempotencyKey),
    }));

  it('keeps every row in its order, the foreign keys and their cascades, and the change log', async () => {
    const file = databaseBeforeMigration6();
    const store = SqliteStore.open(file);
    try {
      const after = await snapshot(store);
      expect(after.offers).to.deep.equal(['zeta', 'alpha']);
      expect(after.benefits).to.deep.equal(['zeta.productSupport 3', 'alpha.productSupport 0']);
      expect(after.incidents).to.deep.equal(['k3', 'k2', 'k1']); // newest first
      const db = store.db;
      expect(db.pragma('foreign_keys', { simple: true })).to.equal(1);
      expect(db.prepare('PRAGMA foreign_key_check').all()).to.deep.equal([]);
      expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
      // seq is the rowid itself, named: nothing to keep in step.
      const seqs = db.prepare('SELECT seq, rowid AS r FROM incidents ORDER BY seq').all() as {
        seq: number;
        r: number;
      }[];
      expect(seqs.every((s) => s.seq === s.r)).to.equal(true);

      // A new incident comes after the old ones; the change log still hears the rebuilt tables.
      const logged = () => Number(db.prepare('SELECT count(*) FROM change_log').pluck().get());
      const before = logged();
      await createServices(store, clock).incidents.open(who('member'), incidentInput('onPremises', 'k4'));
      expect((await snapshot(store)).incidents).to.deep.equal(['k4', 'k3', 'k2', 'k1']);
      expect(logged()).to.be.greaterThan(before + 1); // the incident, the benefit, the audit row

      // Deleting the organisation still cascades through offers, benefits and incidents.
      await store.transaction((tx) => tx.organisations.delete(TENANT));
      const left = db
        .prepare(
          'SELECT (SELECT count(*) FROM membership_offers) + (SELECT count(*) FROM benefits) + (SELECT count(*) FROM incidents)',
        )
        .pluck()
        .get();
      expect(left).to.equal(0);
    } finally {
      await store.close();
    }
  });
});
