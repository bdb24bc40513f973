/**
 * Whether a message's conversation reference needs writing (bot/conversationReferences.ts
 * referenceChange): the stored row compared with the message's, on both engines (PostgreSQL's
 * jsonb reorders keys and keeps U+0000 as U+FFFD), read through the read cache (a frozen, shared
 * row whose comparable form is kept) and, on SQLite, without it.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { referenceChange } from '../bot/conversationReferences';
import { systemClock } from '../services/domain/clock';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';
import type { Store } from '../services/storage/repositories';
import { activity } from './helpers/botHttp';
import { engineWorld, forEachEngine, type EngineWorld } from './helpers/engines';
import { TENANT, world, type TestWorld } from './helpers/fixtures';

const CHANNEL = '19:general@thread.tacv2';

function message(extra: Record<string, unknown> = {}, conversation: Record<string, unknown> = {}): Activity {
  const a = activity(
    'member',
    { type: 'message', text: 'how many incidents do we have left', ...extra },
    {
      tenantId: TENANT,
      conversationId: 'a:personal-1',
    },
  );
  return { ...a, conversation: { ...a.conversation, ...conversation } } as unknown as Activity;
}

const inChannel = (extra: Record<string, unknown> = {}, conversation: Record<string, unknown> = {}) =>
  message(extra, { id: `${CHANNEL};messageid=1`, conversationType: 'channel', ...conversation });

/** The cases, on `store`. */
function comparisonCases(store: () => Store): void {
  const change = (a: Activity) => referenceChange(store(), systemClock, a);
  /** Writes the message's reference if it needs writing; whether it did. */
  const wrote = async (a: Activity) => {
    const write = await change(a);
    if (write) await store().transaction(write);
    return write !== null;
  };
  const forget = (conversationId: string) =>
    store().transaction((tx) => tx.conversations.remove(TENANT.toLowerCase(), conversationId));

  it('a personal chat: written once; a changed serviceUrl, locale or name writes it again, and then only that', async () => {
    await forget('a:personal-1');
    expect(await wrote(message()), 'a new chat').to.equal(true);
    expect(await wrote(message()), 'the next message, a new activity id').to.equal(false);
    const moved = { serviceUrl: 'https://smba.trafficmanager.net/emea/' };
    expect(await wrote(message(moved)), 'another serviceUrl').to.equal(true);
    expect(await wrote(message(moved))).to.equal(false);
    expect(await wrote(message()), 'back to the first serviceUrl').to.equal(true);
    expect(await wrote(message({ locale: 'zh-TW' })), 'another locale').to.equal(true);
    expect(await wrote(message({ locale: 'zh-TW' }))).to.equal(false);
    const renamed = {
      from: { id: '29:dev', name: 'Dev P.', aadObjectId: '00000000-0000-4000-8000-000000000004' },
    };
    expect(await wrote(message({ locale: 'zh-TW', ...renamed })), 'another name').to.equal(true);
    expect(await wrote(message({ locale: 'zh-TW', ...renamed }))).to.equal(false);
  });

  it('a row written before (activity id, thread, last speaker; keys in another order) compares equal', async () => {
    const fresh = inChannel({ locale: 'en-US' });
    const old = {
      serviceUrl: fresh.serviceUrl,
      locale: 'zh-CN',
      channelId: fresh.channelId,
      conversation: {
        tenantId: fresh.conversation.tenantId,
        conversationType: 'channel',
        id: `${CHANNEL};messageid=0`,
      },
      bot: { name: fresh.recipient.name, id: fresh.recipient.id },
      user: { id: '29:someone-else' },
      activityId: 'an-old-message',
    };
    await store().transaction((tx) =>
      tx.conversations.upsert({
        tenantId: TENANT.toLowerCase(),
        conversationId: CHANNEL,
        aadObjectId: null,
        scope: 'channel',
        reference: old,
        updatedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    expect(await change(fresh), 'another thread, speaker and locale in a channel').to.equal(null);
    expect(
      await change(inChannel({ serviceUrl: 'https://elsewhere.example/' })),
      'another serviceUrl',
    ).not.to.equal(null);
    expect(
      await change(message({}, { conversationType: 'groupChat', id: CHANNEL })),
      'another scope',
    ).not.to.equal(null);
  });

  it('U+0000 in a conversation id, stored as PostgreSQL keeps it (U+FFFD), compares equal', async () => {
    const id = 'a:personal\u0000nul';
    await forget(id);
    const fresh = message({}, { id });
    const write = await change(fresh);
    if (!write) expect.fail('a new chat: its reference is written');
    await store().transaction(write);
    const stored = await store().read((tx) => tx.conversations.get(TENANT.toLowerCase(), id));
    if (!stored) expect.fail('stored');
    const asPostgres = JSON.parse(JSON.stringify(stored.reference).replace(/\\u0000/g, '\ufffd')) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(asPostgres)).to.include('personal\ufffdnul');
    await store().transaction((tx) => tx.conversations.upsert({ ...stored, reference: asPostgres }));
    expect(await change(message({}, { id }))).to.equal(null);
    expect(await change(message({ serviceUrl: 'https://elsewhere.example/' }, { id }))).not.to.equal(null);
  });
}

forEachEngine(
  'Conversation references compared on every message (referenceChange), cached rows',
  function (engine) {
    this.timeout(30_000);
    let w: EngineWorld;
    before(async () => {
      w = await engineWorld(engine, []);
    });
    after(async () => w.close());
    comparisonCases(() => w.store);
  },
);

describe('Conversation references compared on every message (referenceChange), READ_CACHE=off [SQLite]', function () {
  this.timeout(30_000);
  let w: TestWorld;
  let uncached: SqliteStore;
  before(async () => {
    w = await world([]);
    uncached = SqliteStore.open(w.dbPath, { readCache: false });
  });
  after(async () => {
    await uncached.close();
    await w.close();
  });
  comparisonCases(() => uncached);
});
