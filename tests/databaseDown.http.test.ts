/**
 * The database down while the bot runs (issue 11, "Bad input and faults"): the bot over real HTTP
 * on a PostgreSQL server of its own, which the tests stop and start again with the same data.
 * Turns say politely that the data can't be reached, /healthz answers 503 and then 200 again,
 * the pool reconnects by itself, and no incident confirmed during the outage is lost or doubled.
 */
import { expect } from 'chai';
import { VERBS } from '../cards';
import { DATA_UNREACHABLE } from '../bot/replies';
import { activity, DEMO_TENANT, startTestBot, type BotActivity, type TestBot } from './helpers/botHttp';
import {
  findPostgresBin,
  INSTALL_HINT,
  startPostgresCluster,
  type PostgresCluster,
} from './helpers/postgres';

const INCIDENT_ID = /INC-[A-Z0-9]{8}/;

const invokeValue = (activities: BotActivity[]) =>
  activities.find((a) => a.type === 'invokeResponse')?.value?.body?.value;

/** What a person reads in the replies: message texts, and a card button's message answer. */
function textsOf(activities: BotActivity[]): string[] {
  const texts = activities.filter((a) => a.type === 'message' && a.text).map((a) => a.text!);
  const value = invokeValue(activities);
  return typeof value === 'string' ? [...texts, value] : texts;
}

async function healthz(bot: TestBot): Promise<number> {
  return (await fetch(`${bot.app.url}/healthz`)).status;
}

/** Polls /healthz until it answers `status` (the pool reconnects on its own; nothing is restarted). */
async function healthzBecomes(bot: TestBot, status: number, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = await healthz(bot);
    if (last === status) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect.fail(`/healthz answered ${last}, not ${status}, for ${withinMs} ms`);
}

/** The incident dialog walked to its review card in a conversation of its own; the confirmation's key. */
async function makeDraft(bot: TestBot, conversationId: string): Promise<string> {
  let last: BotActivity[] = [];
  for (const text of [
    'open an incident',
    'Cloud product', // Signature Cloud Support of a Cloud Platform competency: unlimited, none refused
    'Azure Kubernetes Service',
    'Availability group fails over',
    'Secondary replica goes offline every night at 02:00 with error 35250.',
    'B',
    'yes',
    'skip',
  ])
    last = await bot.say('member', text, { conversationId });
  const key = /"verb":"incident\.confirm"[^}]*?"idempotencyKey":"([^"]+)"/.exec(JSON.stringify(last))?.[1];
  if (!key) throw new Error(`no confirmation card: ${JSON.stringify(last).slice(0, 400)}`);
  return key;
}

interface Draft {
  key: string;
  conversationId: string;
}

type Answer = { incident: string } | { unreachable: true } | { other: string };

async function confirm(bot: TestBot, d: Draft): Promise<Answer> {
  const { status, activities } = await bot.post(
    activity(
      'member',
      {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: { type: 'Action.Execute', verb: VERBS.confirmIncident, data: { idempotencyKey: d.key } },
        },
      },
      { conversationId: d.conversationId },
    ),
  );
  const value = invokeValue(activities);
  if (value === DATA_UNREACHABLE.en) return { unreachable: true };
  const id = INCIDENT_ID.exec(JSON.stringify(value ?? null))?.[0];
  return id ? { incident: id } : { other: `${status} ${JSON.stringify(activities).slice(0, 300)}` };
}

describe('the database down while the bot runs (PostgreSQL)', function () {
  let cluster: PostgresCluster | null = null;
  let bot: TestBot;

  before(async function () {
    this.timeout(120_000);
    const bin = findPostgresBin();
    if (!bin) {
      if (process.env.REQUIRE_POSTGRES === '1')
        throw new Error(`REQUIRE_POSTGRES=1 but no PostgreSQL server binaries were found: ${INSTALL_HINT}`);
      this.skip();
    }
    // A server of its own: stopping the shared one would pull it from under other files' suites.
    cluster = await startPostgresCluster(bin);
    // One person sends about 200 turns here: the per-person turn limit is not what is tested.
    bot = await startTestBot({ DATABASE_URL: cluster.url('postgres'), TURN_LIMITS: 'off' });
  });

  after(async function () {
    this.timeout(60_000);
    await cluster?.resume().catch(() => undefined);
    await bot?.close();
    await cluster?.stop();
  });

  it('turns say in the person’s language that the data cannot be reached; /healthz 503, then 200 once it is back', async function () {
    this.timeout(90_000);
    const conversationId = 'a:outage-words';
    expect(await healthz(bot)).to.equal(200);
    // A dialog in progress, so that the outage is seen to leave it as it was.
    await bot.say('member', 'open an incident', { conversationId });

    const linesAtStop = bot.logs.lines.length;
    await cluster!.pause();
    const linesBefore = bot.logs.lines.length;
    expect(await healthz(bot)).to.equal(503);
    expect(textsOf(await bot.say('member', 'On-premises product', { conversationId }))).to.deep.equal([
      DATA_UNREACHABLE.en,
    ]);
    expect(textsOf(await bot.say('member', '显示我的权益', { locale: 'zh-CN' }))).to.deep.equal([
      DATA_UNREACHABLE.zh,
    ]);
    expect(textsOf(await bot.invoke('member', VERBS.showBenefits))).to.deep.equal([DATA_UNREACHABLE.en]);
    expect(textsOf(await bot.invoke('member', VERBS.myIncidents, {}, { locale: 'zh-CN' }))).to.deep.equal([
      DATA_UNREACHABLE.zh,
    ]);
    for (let probe = 0; probe < 5; probe++) expect(await healthz(bot)).to.equal(503);

    // One error line per kind of failure, however many turns and probes failed; never a stack.
    // (The alert dispatcher and the stale-data cleaner log their own failed passes.)
    const outage = bot.logs.lines
      .slice(linesBefore)
      .filter((l) => (l.level === 'warn' || l.level === 'error') && !/^(alert |stale data)/.test(l.msg));
    const kinds = outage.map((l) => l.msg);
    expect(kinds.length, JSON.stringify(outage)).to.be.within(1, 3);
    expect(new Set(kinds).size, 'one line per kind').to.equal(kinds.length);
    for (const line of outage) {
      expect(line.msg).to.match(/^database unreachable: /);
      expect(line.level).to.equal('error');
      expect(JSON.stringify(line.fields)).not.to.match(/stack|\n\s+at /);
    }

    await cluster!.resume();
    // At once: the pool kept no dead connection to hand out first.
    expect(await healthz(bot)).to.equal(200);
    // The dialog was left where it was: the same answer now goes on to the next question.
    expect(textsOf(await bot.say('member', 'On-premises product', { conversationId })).join('\n')).to.match(
      /Which product/,
    );
    expect(textsOf(await bot.say('member', '显示我的权益', { locale: 'zh-CN' }))).not.to.include(
      DATA_UNREACHABLE.zh,
    );

    // The alert dispatcher polled every second meanwhile: one line when its passes started
    // failing, one when they work again, not one per pass.
    const dispatcher = () =>
      bot.logs.lines.slice(linesAtStop).filter((l) => /^alert dispatcher pass/.test(l.msg));
    const deadline = Date.now() + 10_000;
    while (dispatcher().length === 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(
      dispatcher().map((l) => [l.level, l.msg]),
      JSON.stringify(dispatcher()),
    ).to.deep.equal([
      ['error', 'alert dispatcher pass failed'],
      ['info', 'alert dispatcher pass failed: works again'],
    ]);
  });

  it('confirmations sent while the server stops and starts again: none lost, none doubled', async function () {
    this.timeout(240_000);
    const COUNT = 24;
    const drafts: Draft[] = [];
    for (let batch = 0; batch < COUNT; batch += 5)
      drafts.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(5, COUNT - batch) }, async (_, n) => {
            const conversationId = `a:outage-load-${batch + n}`;
            return { key: await makeDraft(bot, conversationId), conversationId };
          }),
        )),
      );
    const incidentsBefore = await bot.app.store.read((tx) => tx.incidents.list(DEMO_TENANT));

    // /healthz probed all along, as a load balancer would.
    const probes: { at: number; status: number }[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const at = Date.now(); // when the probe was sent
        probes.push({ at, status: await healthz(bot) });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    // Four confirmations in flight at a time. The server stops once a quarter are answered (others
    // still in flight), and starts again once a quarter more were answered while it was down; the
    // last half go to the restarted server.
    const answers = new Map<string, Answer>();
    const queue = [...drafts];
    let stopping: Promise<void> | undefined;
    let starting: Promise<void> | undefined;
    let stoppedAt = 0;
    let resumingAt = 0;
    let answeredWhileDown = 0;
    const sender = async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        // While the server is being stopped, no new confirmation starts: a slow stop must not let
        // the queue drain before the outage begins (those already sent stay in flight through it).
        if (stopping && !stoppedAt) await stopping;
        answers.set(d.key, await confirm(bot, d));
        if (answers.size === COUNT / 4) stopping = cluster!.pause().then(() => void (stoppedAt = Date.now()));
        if (stoppedAt && !starting && ++answeredWhileDown >= COUNT / 4) {
          resumingAt = Date.now();
          starting = cluster!.resume();
        }
        // Space the confirmations out a little, so that the outage spans several of them.
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    await stopping;
    expect(starting, 'the server was started again while confirmations were still coming').not.to.equal(
      undefined,
    );
    await starting;
    await healthzBecomes(bot, 200);
    probing = false;
    await prober;

    const all = [...answers.values()];
    const others = all.filter((a): a is { other: string } => 'other' in a);
    expect(others, 'every confirmation got an incident card or the “can’t reach” message').to.deep.equal([]);
    const unreachable = drafts.filter((d) => 'unreachable' in answers.get(d.key)!);
    expect(unreachable.length, 'some confirmations arrived while the server was down').to.be.greaterThan(0);
    expect(all.length - unreachable.length, 'some were answered with a card').to.be.greaterThan(0);

    // Those told "can't reach" are sent again, with the same key, as the person would.
    for (const d of unreachable) {
      const again = await confirm(bot, d);
      expect(again, `${d.key}: ${JSON.stringify(again)}`).to.have.property('incident');
      answers.set(d.key, again);
    }

    const incidents = await bot.app.store.read((tx) => tx.incidents.list(DEMO_TENANT));
    for (const d of drafts) {
      const stored = incidents.filter((i) => i.idempotencyKey === d.key);
      expect(stored, `incidents for ${d.key}`).to.have.length(1);
      expect(stored[0].id).to.equal((answers.get(d.key) as { incident: string }).incident);
    }
    expect(incidents.length, 'nothing else was opened').to.equal(incidentsBefore.length + COUNT);

    expect(stoppedAt).to.be.greaterThan(0);
    expect(resumingAt).to.be.greaterThan(stoppedAt);
    const during = probes.filter((p) => p.at > stoppedAt && p.at < resumingAt);
    expect(
      during.map((p) => p.status),
      '/healthz while the server was down',
    ).to.include(503);
    expect(
      during.every((p) => p.status === 503),
      '/healthz never said 200 while down',
    ).to.equal(true);
    expect(probes.at(-1)?.status).to.equal(200);
  });
});
