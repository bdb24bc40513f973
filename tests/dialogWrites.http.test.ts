/**
 * Commits per turn of the incident dialog and its confirmation, counted over real HTTP with the
 * store's counter of units of work and in the WAL file (SQLite's own COMMITs). Every commit is an
 * fsync (synchronous = FULL) and takes the database's write lock: a dialog step commits its state
 * once (the conversation reference, when new, is a unit of its own in the same COMMIT), and a
 * confirmation commits once: the incident, its quota and audit rows.
 * Exactly once stays the incidents table's (idempotency key, R11): a second press replays it.
 */
import { expect } from 'chai';
import { PrivateConversationState, type TurnContext } from 'botbuilder';
import { DatabaseStorage } from '../bot/stateStorage';
import { VERBS } from '../cards/verbs';
import type { IncidentDrafts } from '../dialogs/incidentDrafts';
import { systemClock } from '../services/domain/clock';
import {
  cardsIn,
  DEMO_TENANT,
  DEMO_USERS,
  sqliteDbOf,
  startTestBot,
  visibleText,
  type TestBot,
} from './helpers/botHttp';
import { commitsInWal } from './helpers/walCommits';

const STEPS = [
  'SQL Server 2022',
  'Availability group fails over',
  'Secondary replica goes offline every night at 02:00 with error 35250.',
  'B',
  'yes',
  'skip',
];
const KEY = /"idempotencyKey":"(card-[0-9a-f-]{36})"/;

describe('writes per dialog turn', function () {
  this.timeout(30_000);
  let bot: TestBot;
  // No alert dispatcher: its polls and leases are commits that are not the turns'.
  before(async () => {
    bot = await startTestBot({ ALERTS_ENABLED: 'false', TURN_LIMITS: 'off' });
    // No checkpoint may reset the WAL while its commits are counted.
    sqliteDbOf(bot.app).pragma('wal_autocheckpoint = 0');
  });
  after(() => bot.close());

  const commits = () => bot.app.store.commits;
  const walCommits = () => commitsInWal(sqliteDbOf(bot.app).name);
  const incidentsWithKey = async (key: string) =>
    (await bot.app.store.read((tx) => tx.incidents.list(DEMO_TENANT))).filter(
      (i) => i.idempotencyKey === key,
    );

  /**
   * Walks the dialog in a conversation; returns the units of work and the COMMITs of each turn,
   * and the review's key.
   */
  async function walk(
    conversationId: string,
  ): Promise<{ perTurn: number[]; walPerTurn: number[]; key: string }> {
    const perTurn: number[] = [];
    const walPerTurn: number[] = [];
    const turn = async <T>(run: () => Promise<T>): Promise<T> => {
      const [units, wal] = [commits(), walCommits()];
      const result = await run();
      perTurn.push(commits() - units);
      walPerTurn.push(walCommits() - wal);
      return result;
    };
    await turn(() => bot.invoke('member', VERBS.startIncident, { kind: 'onPremises' }, { conversationId }));
    let last: Awaited<ReturnType<TestBot['say']>> = [];
    for (const text of STEPS) last = await turn(() => bot.say('member', text, { conversationId }));
    const key = KEY.exec(JSON.stringify(last))?.[1];
    expect(key, visibleText(last)).to.be.a('string');
    return { perTurn, walPerTurn, key: key! };
  }

  it('each step of the incident dialog commits once, the first message of a conversation too', async () => {
    const { perTurn, walPerTurn } = await walk('a:dialog-writes-1');
    expect(walPerTurn, 'COMMITs in the WAL').to.deep.equal([1, ...STEPS.map(() => 1)]);
    // The card's invoke stores no reference; the first message stores its state and its reference.
    expect(perTurn, 'units of work').to.deep.equal([1, 2, ...STEPS.slice(1).map(() => 1)]);
    // The first message's reference went into its state's COMMIT: it is stored all the same.
    const refs = sqliteDbOf(bot.app)
      .prepare('SELECT scope FROM conversation_references WHERE conversation_id = ?')
      .all('a:dialog-writes-1');
    expect(refs).to.deep.equal([{ scope: 'personal' }]);
  });

  it('confirming commits once (the incident); pressing it again, also after Cancel, shows the same incident', async () => {
    const { key } = await walk('a:dialog-writes-2');
    let before = commits();
    const first = await bot.invoke(
      'member',
      VERBS.confirmIncident,
      { idempotencyKey: key },
      {
        conversationId: 'a:dialog-writes-2',
      },
    );
    expect(commits() - before).to.equal(1);
    const opened = await incidentsWithKey(key);
    expect(opened).to.have.length(1);
    expect(JSON.stringify(cardsIn(first))).to.include(opened[0].id);

    before = commits();
    const again = await bot.invoke(
      'member',
      VERBS.confirmIncident,
      { idempotencyKey: key },
      {
        conversationId: 'a:dialog-writes-2',
      },
    );
    expect(commits() - before).to.be.at.most(1);
    expect(JSON.stringify(cardsIn(again))).to.include(opened[0].id);

    // Cancel on a confirmed card keeps its draft: the incidents table says it was opened.
    const opts = { conversationId: 'a:dialog-writes-2' };
    expect(visibleText(await bot.invoke('member', VERBS.cancel, { idempotencyKey: key }, opts))).to.equal(
      'Cancelled.',
    );
    const third = await bot.invoke('member', VERBS.confirmIncident, { idempotencyKey: key }, opts);
    expect(JSON.stringify(cardsIn(third))).to.include(opened[0].id);
    expect(await incidentsWithKey(key)).to.have.length(1); // R11: counted once
  });

  it('a Confirm whose draft a racing Cancel removed shows the incident to its opener (as a replay), counted once (R11); a copied card shows others nothing', async () => {
    const conversationId = 'a:dialog-writes-3';
    const { key } = await walk(conversationId);
    // Incidents used over all the organisation's benefits: the one it was counted against included.
    const used = async () =>
      (await bot.app.store.read((tx) => tx.benefits.list(DEMO_TENANT))).reduce((n, b) => n + b.used, 0);
    const usedBefore = await used();
    const first = await bot.invoke(
      'member',
      VERBS.confirmIncident,
      { idempotencyKey: key },
      { conversationId },
    );
    const [incident] = await incidentsWithKey(key);
    expect(JSON.stringify(cardsIn(first))).to.include(incident.id);

    // The race's outcome: Cancel found no incident yet and removed the draft, while the Confirm that
    // had read it committed the incident. The draft is taken out of the bot's own state storage.
    const storage = new DatabaseStorage(bot.app.store, systemClock);
    const activity = { channelId: 'msteams', conversation: { id: conversationId }, from: DEMO_USERS.member };
    const stateKey = new PrivateConversationState(storage).getStorageKey({ activity } as TurnContext)!; // the bot's key
    const state = (await storage.read([stateKey]))[stateKey] as { incidentDrafts: IncidentDrafts };
    expect(state.incidentDrafts, 'the draft is in the state read').to.have.property(key);
    delete state.incidentDrafts[key];
    await storage.write({ [stateKey]: state });

    const again = await bot.invoke(
      'member',
      VERBS.confirmIncident,
      { idempotencyKey: key },
      { conversationId },
    );
    const card = JSON.stringify(cardsIn(again));
    expect(card, visibleText(again)).to.include(incident.id);
    expect(card).to.include('This incident was already opened');
    expect(await incidentsWithKey(key)).to.have.length(1);
    expect(await used()).to.equal(usedBefore + 1); // R11: counted once

    // Someone else in the organisation pressing a copy of the card: nothing of another person's.
    const copied = await bot.invoke('partnerAdmin', VERBS.confirmIncident, { idempotencyKey: key });
    expect(visibleText(copied)).to.match(/Not found/);
    expect(visibleText(copied), 'the card key is internal: not on screen').to.include(
      'That support incident was not found',
    );
    expect(visibleText(copied)).not.to.include(key);
    expect(JSON.stringify(copied)).not.to.include(incident.id);
    expect(await incidentsWithKey(key)).to.have.length(1);
  });

  it("an admin's card buttons on one benefit: its focus is not rewritten each time, a request commits once (R2)", async () => {
    const benefitId = 'silver-data-analytics.signatureCloudSupport';
    const press = async (verb: string, data: Record<string, unknown>) => {
      const before = commits();
      const replies = await bot.invoke('globalAdmin', verb, data);
      expect(cardsIn(replies), verb).to.have.length(1);
      return commits() - before;
    };
    expect(await press(VERBS.startActivation, { benefitId })).to.equal(1); // the focus, new
    expect(await press(VERBS.startActivation, { benefitId })).to.equal(0);
    expect(await press(VERBS.confirmActivation, { benefitId, requestKey: 'k' })).to.equal(1); // the request
    expect(await press(VERBS.showRecordIdsForm, { benefitId })).to.equal(0);
    const pending = await bot.app.store.read((tx) => tx.benefits.list(DEMO_TENANT));
    expect(pending.find((b) => b.id === benefitId)?.activation.state).to.equal('pending');
  });

  it('a conversation reference that cannot be saved is logged, and the dialog goes on: its state is saved', async () => {
    const db = sqliteDbOf(bot.app);
    const conversationId = 'a:reference-fails';
    // As a full disk would refuse it: every write of a reference fails, and only that.
    db.exec(`CREATE TRIGGER reference_refused BEFORE INSERT ON conversation_references
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    try {
      await bot.invoke('member', VERBS.startIncident, { kind: 'onPremises' }, { conversationId });
      const first = await bot.say('member', STEPS[0], { conversationId }); // first message: a new reference
      const second = await bot.say('member', STEPS[1], { conversationId });
      for (const replies of [first, second]) {
        expect(visibleText(replies)).not.to.match(/went wrong|could not|try again/i);
        expect(cardsIn(replies).length + visibleText(replies).length).to.be.above(0);
      }
      expect(visibleText(second), 'the step after the title: the dialog went on').not.to.equal(
        visibleText(first),
      );
      const warned = bot.logs.lines.filter((l) => l.msg === 'could not save conversation reference');
      expect(warned.length, 'logged for each message that tried').to.equal(2);
      expect(String(warned[0].fields.error)).to.match(/disk is full/);
      const state = db
        .prepare('SELECT count(*) FROM bot_state WHERE key LIKE ?')
        .pluck()
        .get(`%${conversationId}%`);
      expect(state, "the dialog's state row").to.equal(1);
    } finally {
      db.exec('DROP TRIGGER reference_refused');
    }
    // Once writes work again, the next message stores it.
    await bot.say('member', STEPS[2], { conversationId });
    const refs = db
      .prepare('SELECT count(*) FROM conversation_references WHERE conversation_id = ?')
      .pluck()
      .get(conversationId);
    expect(refs).to.equal(1);
  });
});
