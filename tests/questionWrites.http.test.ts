/**
 * An ordinary question writes nothing: every commit is an fsync (synchronous = FULL), takes the
 * database's write lock and drops every cached read. Counted over real HTTP with the store's
 * commit counter: a person's next questions (each Teams message has its own activity id) and
 * messages in other threads of a channel, from other people, commit nothing.
 */
import { expect } from 'chai';
import {
  activity,
  cardsIn,
  DEMO_TENANT,
  DEMO_USERS,
  startTestBot,
  visibleText,
  type DemoUser,
  type TestBot,
  sqliteDbOf,
} from './helpers/botHttp';

const QUESTION = 'how many incidents do we have left';
const CHANNEL = '19:abc@thread.tacv2';

describe('a question turn writes nothing', function () {
  this.timeout(30_000);
  let bot: TestBot;
  // No alert dispatcher: its polls and leases are commits that are not the turns'.
  before(async () => (bot = await startTestBot({ ALERTS_ENABLED: 'false', TURN_LIMITS: 'off' })));
  after(() => bot.close());

  const commits = () => bot.app.store.commits;
  const answered = (replies: Parameters<typeof visibleText>[0]) =>
    expect(cardsIn(replies).length + visibleText(replies).length).to.be.above(0);

  it("a person's 2nd..10th question in their personal chat commits nothing", async () => {
    answered(await bot.say('member', QUESTION)); // the first stores the reference
    const before = commits();
    for (let i = 0; i < 9; i++) answered(await bot.say('member', QUESTION)); // a new activity id each
    expect(commits() - before).to.equal(0);
    const refs = sqliteDbOf(bot.app)
      .prepare('SELECT reference FROM conversation_references WHERE conversation_id = ?')
      .all('a:personal-member') as { reference: string }[];
    expect(refs).to.have.length(1);
    expect(JSON.parse(refs[0].reference)).to.not.have.property('activityId');
  });

  it('channel messages in different threads from different people: one commit for the first, then none; the channel root is stored', async () => {
    const inThread = (user: DemoUser, thread: number) => {
      const a = activity(user, { type: 'message', text: `<at>Partner Support</at> ${QUESTION}` });
      a.conversation = {
        id: `${CHANNEL};messageid=${1_700_000_000_000 + thread}`,
        conversationType: 'channel',
        tenantId: DEMO_TENANT,
      };
      return bot.post(a);
    };
    const people: DemoUser[] = ['member', 'globalAdmin', 'supportLead', 'partnerAdmin', 'adminAgent'];
    let before = commits();
    const first = await inThread('member', 0);
    expect(first.status).to.equal(200);
    answered(first.activities);
    expect(commits() - before).to.be.at.most(1);

    before = commits();
    for (let thread = 1; thread <= 10; thread++) {
      const res = await inThread(people[thread % people.length], thread);
      answered(res.activities);
    }
    expect(commits() - before).to.equal(0);

    const refs = sqliteDbOf(bot.app)
      .prepare("SELECT conversation_id, reference FROM conversation_references WHERE scope = 'channel'")
      .all() as { conversation_id: string; reference: string }[];
    expect(refs.map((r) => r.conversation_id)).to.deep.equal([CHANNEL]);
    const reference = JSON.parse(refs[0].reference) as Record<string, unknown>;
    expect(reference.conversation).to.deep.include({ id: CHANNEL, conversationType: 'channel' });
    // Whoever spoke last is not part of where the channel is reached.
    expect(reference).to.not.have.property('user');
    expect(reference).to.not.have.property('activityId');
  });

  it('a reference stored by the old code (with the activity id of its message) is kept: no rewrite', async () => {
    answered(await bot.say('partnerAdmin', QUESTION));
    const old = activity('partnerAdmin', { type: 'message', text: QUESTION });
    await bot.app.store.transaction((tx) =>
      tx.conversations.upsert({
        tenantId: DEMO_TENANT,
        conversationId: old.conversation.id,
        aadObjectId: DEMO_USERS.partnerAdmin.aadObjectId,
        scope: 'personal',
        reference: {
          activityId: 'f:old-message',
          user: old.from,
          bot: old.recipient,
          conversation: old.conversation,
          channelId: old.channelId,
          locale: old.locale,
          serviceUrl: old.serviceUrl,
        },
        updatedAt: '2025-01-01T00:00:00.000Z',
      }),
    );
    const before = commits();
    answered(await bot.say('partnerAdmin', QUESTION));
    answered(await bot.say('partnerAdmin', QUESTION));
    // Compared without its per-message fields, the old row is the same reference.
    expect(commits() - before).to.equal(0);
  });
});
