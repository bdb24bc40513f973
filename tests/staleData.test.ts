/** Stale dialog state and conversation references are deleted; what alerts still need is kept (both engines). */
import { expect } from 'chai';
import { memoryLogger } from '../bot/logger';
import { StaleDataCleaner } from '../services/storage/staleData';
import type { StoredConversationReference } from '../services/storage/repositories';
import { QUOTA_ALERT } from './helpers/alertFixtures';
import { engineWorld, forEachEngine, type EngineWorld } from './helpers/engines';
import { offer, TENANT, USERS } from './helpers/fixtures';
import { plainRows } from './helpers/plainSql';

const STRANGER = '00000000-0000-4000-8000-00000000dead';
const UNKNOWN_TENANT = '77777777-2222-4333-8444-555555555555';
const DAY = 86_400_000;

forEachEngine('stale data cleanup', function (engine) {
  this.timeout(30_000);
  let w: EngineWorld;
  const ago = (days: number) => new Date(w.clock.now().getTime() - days * DAY).toISOString();
  const ref = (
    conversationId: string,
    scope: StoredConversationReference['scope'],
    updatedAt: string,
    opts: { aadObjectId?: string; tenantId?: string } = {},
  ): StoredConversationReference => ({
    tenantId: opts.tenantId ?? TENANT,
    conversationId,
    aadObjectId: opts.aadObjectId ?? null,
    scope,
    reference: { conversation: { id: conversationId } },
    updatedAt,
  });
  const cleaner = (log = memoryLogger(), batch = 2) =>
    new StaleDataCleaner({
      store: w.store,
      clock: w.clock,
      log,
      stateIdleDays: 30,
      referenceIdleDays: 365,
      everyMs: 60_000,
      batch, // small: several transactions per pass
    });

  beforeEach(async () => {
    w = await engineWorld(engine, [offer('ap', 'actionPack', null)]);
    await w.store.transaction(async (tx) => {
      for (const [key, days] of [
        ['old-1', 31],
        ['old-2', 45],
        ['old-3', 400],
        ['recent', 29],
        ['today', 0],
      ] as const)
        await tx.state.write(key, { dialogStack: [] }, null, ago(days));
      for (const r of [
        ref('a:known-lead', 'personal', ago(800), { aadObjectId: USERS.supportLead }), // alerts reach them here
        ref('a:stranger', 'personal', ago(400), { aadObjectId: STRANGER }),
        ref('a:other-tenant', 'personal', ago(400), { aadObjectId: STRANGER, tenantId: UNKNOWN_TENANT }),
        ref('19:routed@thread.tacv2', 'channel', ago(900)), // the organisation's alert channel
        ref('19:unrouted@thread.tacv2', 'channel', ago(400)),
        ref('19:queued@thread.tacv2', 'groupChat', ago(400)), // a delivery still queued to it
        ref('19:recent@thread.tacv2', 'groupChat', ago(300)),
      ])
        await tx.conversations.upsert(r);
      await tx.alertSettings.save(
        {
          tenantId: TENANT,
          thresholds: ['half'],
          pendingReminderDays: 5,
          channelConversationId: '19:routed@thread.tacv2',
        },
        USERS.globalAdmin,
        ago(900),
      );
      await tx.outbox.append(TENANT, QUOTA_ALERT, ago(1));
      const [alert] = await tx.outbox.list(TENANT);
      await tx.deliveries.add({
        outboxId: alert.id,
        tenantId: TENANT,
        recipient: 'channel:19:queued@thread.tacv2',
        conversationId: '19:queued@thread.tacv2',
        state: 'queued',
        lastError: null,
        at: ago(1),
      });
    });
  });
  afterEach(() => w.close());

  /**
   * What is left: every row of the two tables, in plain SQL on a connection of its own (either
   * engine), so a row the test never named that the cleaner should have deleted shows up too.
   */
  const stateKeys = async () =>
    (await plainRows<{ key: string }>(w.address, 'SELECT key FROM bot_state')).map((r) => r.key).sort();
  const conversations = async () =>
    (
      await plainRows<{ conversation_id: string }>(
        w.address,
        'SELECT conversation_id FROM conversation_references',
      )
    )
      .map((r) => r.conversation_id)
      .sort(); // the same order on both engines (PostgreSQL's collation may differ from SQLite's)

  it('deletes only dialog state idle longer than STATE_IDLE_DAYS and references nobody needs', async () => {
    const log = memoryLogger();
    expect(await cleaner(log).runOnce()).to.deep.equal({ states: 3, references: 3 });
    expect(await stateKeys()).to.deep.equal(['recent', 'today']);
    expect(await conversations()).to.deep.equal([
      '19:queued@thread.tacv2',
      '19:recent@thread.tacv2',
      '19:routed@thread.tacv2',
      'a:known-lead',
    ]);
    expect(
      log.lines.map((l) => [l.level, l.msg, l.fields.dialogStates, l.fields.conversationReferences]),
    ).to.deep.equal([['info', 'stale data deleted', 3, 3]]);
    // A second pass finds nothing and logs nothing.
    expect(await cleaner(log).runOnce()).to.deep.equal({ states: 0, references: 0 });
    expect(log.lines).to.have.length(1);
  });

  it('time moves on: what was recent becomes stale (injected clock)', async () => {
    await cleaner().runOnce();
    w.clock.set(new Date(w.clock.now().getTime() + 66 * DAY));
    expect(await cleaner().runOnce()).to.deep.equal({ states: 2, references: 1 });
    expect(await stateKeys()).to.deep.equal([]);
    expect(await conversations()).not.to.include('19:recent@thread.tacv2');
    expect(await conversations()).to.include('a:known-lead');
  });

  it('runs on its own timer and stops on close', async () => {
    const c = new StaleDataCleaner({
      store: w.store,
      clock: w.clock,
      log: memoryLogger(),
      stateIdleDays: 30,
      referenceIdleDays: 365,
      everyMs: 20,
    });
    c.start();
    const until = Date.now() + 5_000;
    while ((await stateKeys()).length > 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await c.stop();
    expect(await stateKeys()).to.deep.equal(['recent', 'today']);
  });
});
