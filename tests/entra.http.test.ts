/**
 * DIRECTORY=entra over real HTTP: the bot as Teams reaches it, a fake Bot Connector for the roster
 * (TeamsInfo.getMember) and local HTTPS fakes of the Entra sign-in service and Microsoft Graph,
 * through the real @azure/identity. Nobody here is in the organisation file.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { VERBS } from '../cards';
import {
  activity,
  cardsIn,
  DEMO_TENANT,
  startTestBot,
  visibleText,
  type BotActivity,
  type TestBot,
} from './helpers/botHttp';
import { startFakeConnector, type FakeConnector } from './helpers/fakeConnector';
import { startFakeEntra, type FakeEntra } from './helpers/fakeEntra';

const CLIENT_ID = '5a0e4a7c-1b2d-4c3e-8f9a-0b1c2d3e4f50';
const SECRET = 'test-only-secret';

describe('DIRECTORY=entra over HTTP: people from Teams, roles from Entra', function () {
  this.timeout(60_000);
  let entra: FakeEntra;
  let connector: FakeConnector;
  let bot: TestBot;
  let clockOffset = 0;
  let counter = 0;

  before(async () => {
    entra = await startFakeEntra({ clientId: CLIENT_ID, secret: SECRET });
    connector = await startFakeConnector();
    bot = await startTestBot(
      {
        DIRECTORY: 'entra',
        ENTRA_CLIENT_ID: CLIENT_ID,
        ENTRA_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
        ENTRA_CLIENT_SECRET: SECRET,
        ENTRA_AUTHORITY_HOST: entra.authorityUrl,
        ENTRA_DISABLE_INSTANCE_DISCOVERY: 'true',
        GRAPH_BASE_URL: entra.graphUrl,
        GRAPH_TIMEOUT_MS: '2000',
        ENTRA_ROLE_CACHE_MINUTES: '5',
        ALERTS_ENABLED: 'false',
      },
      { directory: { ca: entra.ca, now: () => performance.now() + clockOffset } },
    );
  });
  after(async () => {
    await bot?.close();
    await connector?.close();
    await entra?.close();
  });
  afterEach(() => entra.clearScripts());

  /** Someone of the demo tenant the organisation file does not list, on the Teams roster. */
  function newcomer(name: string) {
    counter += 1;
    const aadObjectId = randomUUID();
    const id = `29:newcomer-${counter}`;
    connector.members.set(id, {
      id,
      name,
      aadObjectId,
      email: `${name.toLowerCase().replace(/\s+/g, '.')}@fabrikam.example`,
      userPrincipalName: `${name.toLowerCase().replace(/\s+/g, '.')}@fabrikam.example`,
      tenantId: DEMO_TENANT,
    });
    const as = (extra: Record<string, unknown>, locale = 'en-US') =>
      activity(
        'member',
        { serviceUrl: connector.url, from: { id, name, aadObjectId }, ...extra },
        { conversationId: `a:personal-${id}`, locale },
      );
    return {
      aadObjectId,
      id,
      say: async (text: string, locale?: string) =>
        (await bot.post(as({ type: 'message', text }, locale))).activities,
      invoke: async (verb: string, data: Record<string, unknown> = {}, locale?: string) =>
        (
          await bot.post(
            as(
              {
                type: 'invoke',
                name: 'adaptiveCard/action',
                value: { action: { type: 'Action.Execute', verb, data } },
              },
              locale,
            ),
          )
        ).activities,
    };
  }

  const stored = (aadObjectId: string) => bot.app.store.read((tx) => tx.users.get(DEMO_TENANT, aadObjectId));
  const notActivated = async () =>
    (await bot.app.store.read((tx) => tx.benefits.list(DEMO_TENANT)))
      .filter((b) => b.activation.state === 'notActivated' || b.activation.state === 'rejected')
      .map((b) => b.id);
  const stateOf = async (benefitId: string) =>
    (await bot.app.store.read((tx) => tx.benefits.get(DEMO_TENANT, benefitId)))?.activation.state;
  const text = (a: BotActivity[]) => visibleText(a);

  it('a member opens an incident without ever being imported (name and email from the Teams roster)', async () => {
    const nia = newcomer('Nia Okafor');
    expect(await stored(nia.aadObjectId)).to.equal(null);
    const benefits = await nia.say('show my benefits');
    expect(text(benefits)).to.not.match(/not set up here|not registered/);
    expect(connector.memberLookups).to.include(nia.id);
    expect(await stored(nia.aadObjectId)).to.deep.include({
      name: 'Nia Okafor',
      email: 'nia.okafor@fabrikam.example',
      association: 'mpn',
      roles: [],
    });

    const steps: [string, RegExp][] = [
      ['open an incident', /What is the problem about/],
      ['On-premises product', /Which product/],
      ['SQL Server 2022', /short title/],
      ['Availability group fails over', /Describe the problem/],
      ['Secondary replica goes offline every night at 02:00 with error 35250.', /How severe/],
      ['B', /Should Microsoft contact you/],
      ['yes', /phone number/],
      ['skip', /Please check the details/],
    ];
    let last: BotActivity[] = [];
    for (const [line, expected] of steps) {
      last = await nia.say(line);
      expect(text(last), `after “${line}”`).to.match(expected);
    }
    const confirm = cardsIn(last)
      .flatMap((c) => JSON.stringify(c).match(/"idempotencyKey":"[^"]+"/g) ?? [])
      .map((m) => m.split('"')[3])[0];
    expect(confirm).to.be.a('string');
    await nia.invoke(VERBS.confirmIncident, { idempotencyKey: confirm });
    const incidents = await bot.app.store.read((tx) =>
      tx.incidents.list(DEMO_TENANT, { openedBy: nia.aadObjectId }),
    );
    expect(incidents).to.have.length(1);
    expect(incidents[0].title).to.equal('Availability group fails over');
    // Known from now on: the roster is not asked again.
    const lookups = connector.memberLookups.length;
    await nia.say('how many incidents are left');
    expect(connector.memberLookups.length).to.equal(lookups);
  });

  it('R2: a person Graph makes Global admin activates; once the assignment is removed there, the next activation is refused', async () => {
    const [first] = await notActivated();
    expect(first, 'the demo organisation has a benefit to activate').to.be.a('string');
    const ada = newcomer('Ada Admin');
    entra.makeGlobalAdmin(DEMO_TENANT, ada.aadObjectId);
    await ada.say('hello');
    expect((await stored(ada.aadObjectId))?.roles).to.deep.equal(['globalAdmin']);

    const activated = await ada.invoke(VERBS.confirmActivation, { benefitId: first });
    expect(await stateOf(first)).to.equal('pending');
    expect(text(activated)).to.not.include('not authorized');
    const again = await ada.invoke(VERBS.confirmActivation, { benefitId: first });
    expect(text(again), 'still admin: the same request shown again (R8)').to.not.include('not authorized');

    // Removed in Entra a moment later: the role cache (5 minutes) is still fresh, the action asks again.
    entra.removeRoleAssignments(DEMO_TENANT, ada.aadObjectId);
    const refused = await ada.invoke(VERBS.confirmActivation, { benefitId: first });
    expect(text(refused)).to.include('Global Admin or MPN Partner Admin');
    expect((await stored(ada.aadObjectId))?.roles).to.deep.equal([]);
  });

  it('roles are kept for minutes for ordinary turns, then read again', async () => {
    const lee = newcomer('Lee Lead');
    entra.assignAppRole(DEMO_TENANT, lee.aadObjectId, 'Support.Lead');
    await lee.say('hello');
    expect((await stored(lee.aadObjectId))?.roles).to.deep.equal(['supportLead']);
    const before = entra.graphRequests.length;
    await lee.say('show my benefits');
    await lee.say('how many incidents are left');
    expect(entra.graphRequests.length, 'warm cache: no Graph call').to.equal(before);
    entra.tenant(DEMO_TENANT).appRoleAssignments = entra
      .tenant(DEMO_TENANT)
      .appRoleAssignments.filter((a) => a.principalId !== lee.aadObjectId);
    clockOffset += 6 * 60_000;
    await lee.say('show my benefits');
    expect(entra.graphRequests.length).to.be.above(before);
    expect((await stored(lee.aadObjectId))?.roles).to.deep.equal([]);
  });

  it('R4: a CSP-only account (app role Account.CspOnly) is not authorized for MPN benefits', async () => {
    const cy = newcomer('Cy Csp');
    entra.assignAppRole(DEMO_TENANT, cy.aadObjectId, 'Account.CspOnly');
    entra.assignAppRole(DEMO_TENANT, cy.aadObjectId, 'Csp.AdminAgent');
    const answer = await cy.say('show my benefits');
    expect(text(answer)).to.include('You are not authorized for this action');
    expect(await stored(cy.aadObjectId)).to.deep.include({ association: 'cspOnly', roles: ['adminAgent'] });
  });

  it('Graph failing: privileged actions refused with “I can’t check your role right now” (English and Chinese), answers still work, nothing granted', async () => {
    const benefitId = 'gold-application-development.productSupport';
    const before = await stateOf(benefitId);
    const gia = newcomer('Gia Global');
    entra.makeGlobalAdmin(DEMO_TENANT, gia.aadObjectId);
    await gia.say('hello');
    entra.script(503, 1000, 0);
    const refused = await gia.invoke(VERBS.confirmActivation, { benefitId });
    expect(text(refused)).to.include("I can't check your role right now");
    expect(await stateOf(benefitId)).to.equal(before);
    const zh = await gia.invoke(VERBS.confirmActivation, { benefitId }, 'zh-CN');
    expect(text(zh)).to.include('暂时无法核实你的角色');
    const stillAnswers = await gia.say('show my benefits');
    expect(cardsIn(stillAnswers)).to.have.length.greaterThan(0);
    expect(text(stillAnswers)).to.not.match(/went wrong|can't check/);

    // A newcomer during the outage is known, with no role at all.
    const max = newcomer('Max Maybe');
    entra.makeGlobalAdmin(DEMO_TENANT, max.aadObjectId);
    await max.say('hello');
    expect((await stored(max.aadObjectId))?.roles).to.deep.equal([]);
    expect(bot.logs.lines.filter((l) => l.level === 'error')).to.deep.equal([]); // a refusal, not a failure
  });

  it('a tenant that has not consented: a clear message and the admin-consent link, never a stack trace', async () => {
    const benefitId = 'gold-application-development.productSupport';
    const before = await stateOf(benefitId);
    const ned = newcomer('Ned New');
    entra.makeGlobalAdmin(DEMO_TENANT, ned.aadObjectId);
    entra.tenant(DEMO_TENANT).permissionsConsented = false;
    try {
      await ned.say('hello');
      const answer = await ned.invoke(VERBS.confirmActivation, { benefitId });
      expect(text(answer)).to.include('has not allowed this app to read roles');
      // The bot cannot tell who is an admin without consent: everyone gets the link, and what to do with it.
      expect(text(answer)).to.include(
        'If you are not, send this link to a Global admin of your organisation.',
      );
      expect(JSON.stringify(answer)).to.include(
        `${entra.authorityUrl}/${DEMO_TENANT}/adminconsent?client_id=${CLIENT_ID}`,
      );
      expect(await stateOf(benefitId)).to.equal(before);
    } finally {
      entra.tenant(DEMO_TENANT).permissionsConsented = true;
    }
  });
});
