/**
 * Cached reads survive other people's writes (issue 10): a commit drops only the reads of the
 * scopes it changed (an organisation, a conversation's dialog state), whoever wrote it: this
 * store, another store (another bot instance), the admin CLI or plain SQL. Counted through the
 * store's real reads, on both engines; the SQLite change log's own upkeep at the end.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Store } from '../services/storage/repositories';
import type { Activity, CloudAdapter } from 'botbuilder';
import { TeamsAlertSender } from '../bot/alertSender';
import { referenceChange } from '../bot/conversationReferences';
import { memoryLogger } from '../bot/logger';
import { DatabaseStorage } from '../bot/stateStorage';
import { CardRenderer } from '../cards/render';
import { AlertDispatcher } from '../services/alerts/alertDispatcher';
import { systemClock } from '../services/domain/clock';
import { heapBytes } from '../services/domain/heapSize';
import { createServices } from '../services/index';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { conversationScope, organisationScope, peopleScope } from '../services/storage/scopes';
import { FileDirectory } from '../services/directory/fileDirectory';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import { install, queueAlerts } from './helpers/alertFixtures';
import { engineWorld, forEachEngine, type EngineWorld } from './helpers/engines';
import { plainRows, plainSql } from './helpers/plainSql';
import { localAdapter, startFakeConnector, type FakeConnector } from './helpers/fakeConnector';
import {
  activeBenefit,
  incidentInput,
  offer,
  orgDoc,
  OTHER_TENANT,
  TENANT,
  USERS,
  who,
  world,
  type TestWorld,
} from './helpers/fixtures';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const OFFERS = [offer('ap', 'actionPack', null, { productSupport: activeBenefit(0, 'AP') })];

/** How many reads reach the database (a cached answer reads nothing). */
function countReads(store: Store): () => number {
  let reads = 0;
  const read = store.read.bind(store);
  store.read = (work) => {
    reads++;
    return read(work);
  };
  return () => reads;
}

forEachEngine('cached reads survive other people’s writes (scopes)', function (engine) {
  this.timeout(30_000);
  let w: EngineWorld;
  let reads: () => number;
  let other: Store | null = null;
  beforeEach(async () => {
    w = await engineWorld(engine, OFFERS);
    await importOrganisation(w.store, w.clock, orgDoc(OFFERS, OTHER_TENANT));
    reads = countReads(w.store);
  });
  afterEach(async () => {
    await other?.close();
    other = null;
    await w.close();
  });

  const viewA = () => w.services.benefits.view(who('member'));
  const viewB = () => w.services.benefits.view(who('member', OTHER_TENANT));
  const used = (v: Awaited<ReturnType<typeof viewA>>) => v.offers[0].benefits[0].used;
  /** Reads that `fn` sent to the database. */
  const readsOf = async (fn: () => Promise<unknown>) => {
    const before = reads();
    await fn();
    return reads() - before;
  };

  it("organisation A's incident drops A's organisation part (and so its cards) only: its people's parts and B's view stay", async () => {
    const a = await viewA();
    const b = await viewB();
    const directory = new FileDirectory(w.store);
    const served = () => directory.recognise({ tenantId: TENANT, aadObjectId: USERS.member });
    expect(await served()).to.equal(true);
    expect(await readsOf(async () => (await viewA(), await viewB(), await served())), 'all cached').to.equal(
      0,
    );

    await w.services.incidents.open(who('member'), incidentInput('onPremises'));

    expect(await readsOf(viewB), "B's view stays cached").to.equal(0);
    expect((await viewB()).offers, "B's organisation part, the same object").to.equal(b.offers);
    expect(await readsOf(served), 'who is served in A: the people did not change').to.equal(0);
    expect(
      await readsOf(viewA),
      "A's view is read again: the organisation's part, not the person's",
    ).to.equal(1);
    const after = await viewA();
    expect(after.user, "the member's part, the same object").to.equal(a.user);
    expect(after.offers, 'a new organisation part').not.to.equal(a.offers);
    expect(used(after)).to.equal(used(a) + 1);
  });

  it("a change to A's people drops its people's parts and its organisation part; B stays", async () => {
    const a = await viewA();
    await viewB();
    await plainSql(
      w.address,
      'UPDATE users SET name = ? WHERE tenant_id = ? AND aad_object_id = ?',
      'Renamed',
      TENANT,
      USERS.member,
    );
    expect(await readsOf(viewB), "B's view stays cached").to.equal(0);
    expect(await readsOf(viewA), "A's view: the person's part and the organisation's").to.equal(2);
    const after = await viewA();
    expect(after.user.name).to.equal('Renamed');
    expect(after.offers).not.to.equal(a.offers);
  });

  it("an organisation's people share one cached organisation part; each has their own person part", async () => {
    const member = await viewA();
    const admin = await w.services.benefits.view(who('globalAdmin'));
    expect(admin.offers, 'one organisation part for both').to.equal(member.offers);
    expect(admin.organisation).to.equal(member.organisation);
    expect([member.user.name, member.user.canActivate]).to.deep.equal(['member', false]);
    expect([admin.user.name, admin.user.canActivate]).to.deep.equal(['globalAdmin', true]);
    // R2: who alerts cannot reach is for admins only, though the organisation's part holds it.
    expect(member.unreachableSupportLeads).to.deep.equal([]);
    expect(admin.unreachableSupportLeads).to.deep.equal(['supportLead']);
    expect(
      await readsOf(() => w.services.benefits.view(who('supportLead'))),
      'a third person: their part only',
    ).to.equal(1);
  });

  it("plain SQL on another connection to A drops A's view only; the next read shows it", async () => {
    await viewA();
    await viewB();
    await plainSql(
      w.address,
      'UPDATE users SET name = ? WHERE tenant_id = ? AND aad_object_id = ?',
      'Renamed in A',
      TENANT,
      USERS.member,
    );
    expect(await readsOf(viewB), "B's view stays cached").to.equal(0);
    expect((await viewB()).user.name).to.equal('member');
    expect((await viewA()).user.name).to.equal('Renamed in A');
  });

  it('the admin CLI replacing organisation A is seen on the next read; B stays cached', async () => {
    expect((await viewA()).offers.map((o) => o.id)).to.deep.equal(['ap']);
    await viewB();
    const doc = orgDoc([offer('gold-x', 'gold', 'Security')]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'psb-import-')), 'replacement.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    await run(
      process.execPath,
      [path.join(ROOT, 'dist/services/cli/admin.js'), 'import', file, '--replace'],
      {
        env: { ...process.env, ...engine.env(w.address) },
      },
    );
    expect(await readsOf(viewB), "B's view stays cached").to.equal(0);
    expect((await viewA()).offers.map((o) => o.id)).to.deep.equal(['gold-x']);
  });

  it("a dialog step in conversation X keeps conversation Y's state cached", async () => {
    const storage = new DatabaseStorage(w.store, systemClock);
    const X = 'msteams/conversations/a:x/users/29:x';
    const Y = 'msteams/conversations/a:y/users/29:y';
    await storage.write({ [X]: { step: 1 }, [Y]: { step: 1 } });
    await storage.read([X]);
    await storage.read([Y]);
    expect(await readsOf(() => storage.read([Y])), 'cached').to.equal(0);

    const x = await storage.read([X]);
    await storage.write({ [X]: { ...x[X], step: 2 } });

    expect(await readsOf(() => storage.read([Y])), "Y's state stays cached").to.equal(0);
    expect(await readsOf(() => storage.read([X])), "X's state is read again").to.equal(1);
    expect((await storage.read([X]))[X].step).to.equal(2);
  });

  it("a conversation reference written for one chat keeps another chat's reference cached", async () => {
    const ref = (conversationId: string) =>
      w.store.readCached(
        `conversation\u0000${TENANT}\u0000${conversationId}`,
        [conversationScope(TENANT, conversationId)],
        (tx) => tx.conversations.get(TENANT, conversationId),
      );
    await install(w.store, 'http://127.0.0.1:9/', 'a:one', { scope: 'channel' });
    expect((await ref('a:one'))?.conversationId).to.equal('a:one');
    expect(await ref('a:two')).to.equal(null);
    await viewA();
    await install(w.store, 'http://127.0.0.1:9/', 'a:two', { scope: 'channel' });
    expect(await readsOf(() => ref('a:one')), 'the other chat stays cached').to.equal(0);
    expect(await readsOf(viewA), "a channel's reference leaves the organisation's views").to.equal(0);
    expect((await ref('a:two'))?.conversationId, 'the new one is read').to.equal('a:two');
  });

  /** The member's message in their personal chat, as Teams sends it. */
  const personalMessage = (conversationId: string, fromId: string) =>
    ({
      type: 'message',
      id: 'm1',
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      from: { id: fromId, aadObjectId: USERS.member },
      recipient: { id: '28:partner-support' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      locale: 'en-US',
    }) as unknown as Activity;

  // PostgreSQL keeps U+0000 as U+FFFD (services/storage/storedText.ts); SQLite keeps it.
  const NUL_CONVERSATION = 'a:nul\u0000id';
  const NUL_KEY = `msteams/conversations/${NUL_CONVERSATION}/users/29:x`;

  it('a state key holding U+0000 round-trips: written, read back under that key, written again with its etag', async () => {
    const storage = new DatabaseStorage(w.store, systemClock);
    await storage.write({ [NUL_KEY]: { step: 1 } });
    const first = await storage.read([NUL_KEY]);
    expect(first[NUL_KEY]?.step, 'the dialog step, under the key asked for').to.equal(1);
    await storage.write({ [NUL_KEY]: { ...first[NUL_KEY], step: 2 } });
    expect((await storage.read([NUL_KEY]))[NUL_KEY]?.step).to.equal(2);
    expect(
      Object.keys(await storage.read(['msteams/conversations/a:nul/users/29:x'])),
      'no other key',
    ).to.deep.equal([]);
  });

  it("another store's writes drop cached reads of a conversation whose id holds U+0000", async () => {
    other = await engine.open(w.address);
    const mine = new DatabaseStorage(w.store, systemClock);
    const theirs = new DatabaseStorage(other, systemClock);
    await mine.write({ [NUL_KEY]: { step: 1 } });
    const ref = () =>
      w.store.readCached(
        `conversation\u0000${TENANT}\u0000${NUL_CONVERSATION}`,
        [conversationScope(TENANT, NUL_CONVERSATION)],
        (tx) => tx.conversations.get(TENANT, NUL_CONVERSATION),
      );
    expect(await ref()).to.equal(null);
    const read = await mine.read([NUL_KEY]);
    expect(await readsOf(() => mine.read([NUL_KEY])), 'cached').to.equal(0);

    // Another bot instance answering the next message of that chat.
    await theirs.write({ [NUL_KEY]: { ...read[NUL_KEY], step: 2 } });
    await install(other, 'http://127.0.0.1:9/', NUL_CONVERSATION, { scope: 'channel' });

    expect((await mine.read([NUL_KEY]))[NUL_KEY]?.step, 'the other instance’s step').to.equal(2);
    expect((await ref())?.scope, 'the reference the other instance stored').to.equal('channel');
  });

  it('a conversation reference for an id holding U+0000 is stored once, not again on every message', async () => {
    const message = personalMessage(NUL_CONVERSATION, '29:x');
    const first = await referenceChange(w.store, systemClock, message);
    if (!first) expect.fail('a new chat: its reference is written');
    await w.store.transaction(first);
    expect(await referenceChange(w.store, systemClock, { ...message, id: 'm2' } as Activity)).to.equal(null);
  });

  /**
   * A table emptied by an operator over plain SQL. PostgreSQL's TRUNCATE fires no row triggers:
   * migration 0003 logs it. SQLite has no TRUNCATE; a DELETE without WHERE fires its row triggers
   * (triggers turn off its truncate optimisation).
   */
  const emptiedByHand = (table: string) =>
    plainSql(w.address, engine.name === 'PostgreSQL' ? `TRUNCATE ${table} CASCADE` : `DELETE FROM ${table}`);
  const cachedWithItsBenefit = async () => {
    expect((await viewA()).offers[0].benefits).to.have.length(1);
    expect(await readsOf(viewA), 'cached').to.equal(0);
  };
  const readAgainWithout = async () => {
    expect(await readsOf(viewA), "A's view is read again").to.be.greaterThan(0);
    expect((await viewA()).offers[0].benefits).to.deep.equal([]);
  };

  it('an operator emptying a table over plain SQL (TRUNCATE on PostgreSQL) drops the cached views it held', async () => {
    await cachedWithItsBenefit();
    await emptiedByHand('benefits');
    await readAgainWithout();
  });

  it('an operator deleting the change log by hand, before any reader saw its newest rows, drops the cached views', async () => {
    await cachedWithItsBenefit();
    // No lookup between the two statements: the change's row is gone before anyone read it.
    await emptiedByHand('benefits');
    await emptiedByHand('change_log');
    await readAgainWithout();
    if (engine.name === 'PostgreSQL') {
      // A DELETE as well as a TRUNCATE.
      await plainSql(
        w.address,
        "UPDATE organisations SET name = 'Renamed by hand' WHERE tenant_id = ?",
        TENANT,
      );
      await plainSql(w.address, 'DELETE FROM change_log');
      expect((await viewA()).organisation.name).to.equal('Renamed by hand');
    }
  });

  it("a person's first message (their personal chat) keeps the organisation's cached views; admins see who can be reached", async () => {
    const admin = () => w.services.benefits.view(who('globalAdmin'));
    const lead = () => w.services.benefits.view(who('supportLead'));
    const warm = async () => (await viewA(), await lead(), await admin(), await viewB());
    expect((await admin()).unreachableSupportLeads).to.deep.equal(['supportLead']);
    await warm();
    expect(await readsOf(warm), 'all cached').to.equal(0);
    const cachedA = await viewA();

    // The member's first message, as the bot stores it (bot/conversationReferences.ts).
    const message = personalMessage('a:member-personal', '29:member');
    const first = await referenceChange(w.store, systemClock, message);
    if (!first) expect.fail("a new person's chat: its reference is written");
    const logged = async () =>
      (await plainRows<{ seq: number | string }>(w.address, 'SELECT max(seq) AS seq FROM change_log'))[0].seq;
    const before = String(await logged());
    await w.store.transaction(first);
    const scopes = await plainRows<{ scope: string }>(
      w.address,
      'SELECT scope FROM change_log WHERE seq > ? ORDER BY seq',
      before,
    );
    expect(scopes.map((r) => r.scope).sort(), 'what the change log names').to.deep.equal([
      `conversation:${TENANT}:a:member-personal`,
      `reach:${TENANT}`,
    ]);

    expect(await readsOf(viewA), "the member's view stays cached").to.equal(0);
    expect(await readsOf(lead), "the support lead's view stays cached").to.equal(0);
    expect((await viewA()).offers, 'the organisation part, the same object (and so its cards)').to.equal(
      cachedA.offers,
    );
    expect(await readsOf(admin), 'an admin: who alerts can reach, read again, and nothing else').to.equal(1);
    expect((await admin()).unreachableSupportLeads, 'the member is no support lead').to.deep.equal([
      'supportLead',
    ]);

    // The support lead installs the bot: admins see them reachable on their next look.
    await install(w.store, 'http://127.0.0.1:9/', 'a:lead', { aadObjectId: USERS.supportLead });
    expect((await admin()).unreachableSupportLeads).to.deep.equal([]);
    expect(
      await readsOf(async () => (await viewA(), await lead(), await viewB())),
      'the others stay cached',
    ).to.equal(0);
  });

  it("a support lead's changed roles are seen by admins as who alerts cannot reach", async () => {
    const admin = () => w.services.benefits.view(who('globalAdmin'));
    await install(w.store, 'http://127.0.0.1:9/', 'a:lead', { aadObjectId: USERS.supportLead });
    expect((await admin()).unreachableSupportLeads).to.deep.equal([]);
    // The member becomes a support lead (an import, or the directory): they have no personal chat.
    await plainSql(
      w.address,
      `UPDATE users SET roles = ${engine.name === 'PostgreSQL' ? "ARRAY['supportLead']" : "'supportLead'"} WHERE aad_object_id = '${USERS.member}'`,
    );
    expect((await admin()).unreachableSupportLeads).to.deep.equal(['member']);
  });

  describe('the alert dispatcher', () => {
    let fake: FakeConnector;
    let adapter: CloudAdapter;
    beforeEach(async () => {
      fake = await startFakeConnector();
      adapter = localAdapter(memoryLogger());
    });
    afterEach(() => fake.close());

    it("its fan-out, leases and bookkeeping leave the bot's cached views and state alone", async () => {
      await install(w.store, fake.url, 'a:lead', { aadObjectId: USERS.supportLead });
      await queueAlerts(w.store, 1);
      const storage = new DatabaseStorage(w.store, systemClock);
      const key = 'msteams/conversations/a:member/users/29:member';
      await storage.write({ [key]: { step: 1 } });
      const lead = () => w.services.benefits.view(who('supportLead'));
      const warm = async () => (await viewA(), await lead(), await viewB(), await storage.read([key]));
      await warm();
      expect(await readsOf(warm)).to.equal(0);

      const commits = w.store.commits;
      const counts = await new AlertDispatcher({
        store: w.store,
        clock: systemClock,
        sender: new TeamsAlertSender(adapter, '', new CardRenderer({ cache: true })),
        log: memoryLogger(),
      }).drain();
      expect(counts.sent).to.equal(1);
      expect(fake.messagesTo('a:lead')).to.have.length(1);
      expect(w.store.commits - commits, 'fan-out, lease, sent: commits').to.be.at.least(3);

      expect(await readsOf(warm), 'every cached read is still cached').to.equal(0);
    });
  });

  it('a read of A overlapping a commit to A is not kept, even when another lookup saw the commit first', async () => {
    other = await engine.open(w.address);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const name = (wait: boolean) =>
      w.store.readCached('member-name', [peopleScope(TENANT)], async (tx) => {
        const user = await tx.users.get(TENANT, USERS.member);
        if (wait) await gate; // the commit lands while this snapshot is open
        return user?.name;
      });
    const pending = name(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await other.transaction(async (tx) => {
      const user = (await tx.users.get(TENANT, USERS.member))!;
      await tx.users.save({ ...user, name: 'Renamed' });
    });
    // A lookup of B, meanwhile, is told about the commit to A: the read in flight must not be kept.
    const b = viewB();
    release();
    expect(await pending).to.equal('member'); // its snapshot predates the commit
    await b;
    expect(await readsOf(async () => expect(await name(false)).to.equal('Renamed'))).to.equal(1);
  });
});

describe('the SQLite change log', function () {
  this.timeout(30_000);
  let w: TestWorld;
  let reads: () => number;
  let other: SqliteStore | null = null;
  beforeEach(async () => {
    w = await world(OFFERS);
    await importOrganisation(w.store, w.clock, orgDoc(OFFERS, OTHER_TENANT));
    reads = countReads(w.store);
  });
  afterEach(async () => {
    await other?.close();
    other = null;
    await w.close();
  });

  const viewA = () => w.services.benefits.view(who('member'));
  const viewB = () => w.services.benefits.view(who('member', OTHER_TENANT));
  const readsOf = async (fn: () => Promise<unknown>) => {
    const before = reads();
    await fn();
    return reads() - before;
  };

  it('a change log pruned past what this store has read drops every cached read', async () => {
    const storage = new DatabaseStorage(w.store, systemClock);
    const key = 'msteams/conversations/a:member/users/29:member';
    await storage.write({ [key]: { step: 1 } });
    await storage.read([key]);
    await viewA();
    await viewB();
    // Another store that prunes the log to its newest row on each of its commits. B's person is
    // renamed (plain SQL on its connection), then its incident in A prunes B's change away.
    other = SqliteStore.open(w.dbPath, { changeLog: { keep: 1, every: 1 } });
    other.db
      .prepare("UPDATE users SET name = 'Renamed in B' WHERE tenant_id = ? AND aad_object_id = ?")
      .run(OTHER_TENANT, USERS.member);
    await createServices(other, w.clock).incidents.open(who('member'), incidentInput('onPremises'));
    const scopes = other.db.prepare('SELECT scope FROM change_log').pluck().all();
    expect(scopes).to.deep.equal([organisationScope(TENANT)]);

    expect((await viewB()).user.name, 'B is read again').to.equal('Renamed in B');
    expect(await readsOf(() => storage.read([key])), 'unchanged state too: everything went').to.equal(1);
  });

  it('the change log stays short: each store prunes it to the newest rows as it writes', async () => {
    other = SqliteStore.open(w.dbPath, { changeLog: { keep: 5, every: 2 } });
    const at = new Date().toISOString();
    for (let i = 0; i < 20; i++) await other.transaction((tx) => tx.state.write(`k${i}`, { i }, null, at));
    const { rows, newest } = other.db
      .prepare('SELECT count(*) AS rows, max(seq) AS newest FROM change_log')
      .get() as { rows: number; newest: number };
    expect(rows).to.equal(5);
    expect(other.db.prepare('SELECT through FROM change_log_pruned').pluck().get()).to.equal(newest - 5);
    // This store read nothing since: it cannot tell what changed, and drops everything (above).
  });

  it('every data table writes its changes into the change log (insert, update, delete)', () => {
    const db = w.store.db;
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT IN ('schema_migrations', 'change_log', 'change_log_pruned') ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    expect(tables.length).to.be.at.least(12);
    const triggers = db.prepare("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'").all() as {
      tbl_name: string;
      name: string;
    }[];
    for (const table of tables) {
      expect(
        triggers.filter((t) => t.tbl_name === table).map((t) => t.name),
        table,
      ).to.have.members([
        `change_log_${table}_insert`,
        `change_log_${table}_update`,
        `change_log_${table}_delete`,
      ]);
    }
  });

  it('the cache is bounded by the memory its reads hold, the least recently used going first', async () => {
    const big = (k: string) => k + 'x'.repeat(100_000); // about 100 KB each, the key's bytes aside
    other = SqliteStore.open(w.dbPath, { readCacheBytes: 3.5 * heapBytes(big('1')) });
    let n = 0;
    const get = (k: string, value = big(k)) =>
      other!.readCached(k, [organisationScope(TENANT)], async () => {
        n++;
        return value;
      });
    for (const k of ['1', '2', '3', '1', '4']) await get(k); // the hit on 1 makes 2 the oldest
    expect(other.cachedReads).to.equal(3);
    expect(other.cachedReadBytes).to.be.within(3 * heapBytes(big('1')), 3.5 * heapBytes(big('1')));
    n = 0;
    for (const k of ['1', '3', '4']) await get(k);
    expect(n, 'kept').to.equal(0);
    await get('2');
    expect(n, 'the least recently used went').to.equal(1);

    // Small reads cost little: a hundred fit beside the three large ones, where a count would have held three in all.
    for (let i = 0; i < 100; i++) await get(`small ${i}`, `value ${i}`);
    expect(other.cachedReads).to.equal(103);
    n = 0;
    for (let i = 0; i < 100; i++) await get(`small ${i}`);
    expect(n, 'the small ones kept').to.equal(0);
  });

  it('a read larger than the whole budget is answered but not kept', async () => {
    other = SqliteStore.open(w.dbPath, { readCacheBytes: 50_000 });
    let n = 0;
    const get = () =>
      other!.readCached('huge', [organisationScope(TENANT)], async () => {
        n++;
        return 'x'.repeat(100_000);
      });
    expect(await get()).to.have.length(100_000);
    expect(await get()).to.have.length(100_000);
    expect(n).to.equal(2);
    expect(other.cachedReads).to.equal(0);
  });
});
