/**
 * DIRECTORY=entra end to end through the real Microsoft 365 Agents Playground: the organisation
 * file lists nobody (the demo organisation's offers with `users: []`), people are found on first
 * contact with name and email from the Playground's roster (its Bot Connector answers
 * GET /v3/conversations/{id}/members/{id}, which TeamsInfo.getMember asks), and roles come from
 * local HTTPS fakes of the Entra sign-in service and Microsoft Graph through the real
 * @azure/identity (tests/helpers/fakeEntra.ts).
 *
 * The Playground's tenant and people are those of .m365agentsplayground.yml: the demo tenant and
 * object ids that are GUIDs (the Entra directory refuses anything else), so the fake Graph answers
 * for exactly the ids the Playground puts on its activities.
 *
 * Network: the Playground is started by startPlayground() with --disable-telemetry,
 * APPLICATION_INSIGHTS_NO_STATSBEAT=true and TEAMSAPPTESTER_BROWSER=none; run inside a
 * loopback-only network namespace (unshare -n).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { VERBS } from '../cards';
import { PROJECT_ROOT } from '../services/config';
import { DEMO_TENANT } from './helpers/botHttp';
import { startFakeEntra, type FakeEntra } from './helpers/fakeEntra';
import { walkIncidentDialog } from './helpers/incidentDialog';
import {
  cardActions,
  onlyCard,
  useBotWithPlayground,
  userNamed,
  visibleText,
  type PlaygroundConfig,
  type PlaygroundUser,
} from './helpers/playground';

const CLIENT_ID = '5a0e4a7c-1b2d-4c3e-8f9a-0b1c2d3e4f50';
const SECRET = 'test-only-secret';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INCIDENT_ID = /INC-[A-Z0-9]{8}/;
const ROSTER_WARNING = 'could not read the person from the Teams roster; using the activity name';

describe('end to end through the Agents Playground with DIRECTORY=entra: nobody imported, roles from Graph', function () {
  this.timeout(120_000);
  let entra: FakeEntra | undefined;
  const graph = (): FakeEntra => {
    if (!entra) throw new Error('the fake Entra did not start');
    return entra;
  };
  // Before the bot (registered first): the bot's configuration points at it.
  before(async () => {
    entra = await startFakeEntra({ clientId: CLIENT_ID, secret: SECRET });
  });
  const {
    started,
    pg,
    bot,
    config: playgroundConfig,
  } = useBotWithPlayground(() => ({
    env: (dir) => {
      // The demo organisation and its offers, with nobody listed: with Entra nobody is imported.
      const demo = JSON.parse(
        fs.readFileSync(path.join(PROJECT_ROOT, 'examples/demo-org.json'), 'utf8'),
      ) as Record<string, unknown>;
      const file = path.join(dir, 'organisation-without-people.json');
      fs.writeFileSync(file, JSON.stringify({ ...demo, users: [] }));
      return {
        SEED_ORGANISATION: file,
        DIRECTORY: 'entra',
        ENTRA_CLIENT_ID: CLIENT_ID,
        ENTRA_TENANT_ID: '0c0f7d7e-1111-4222-8333-444455556666',
        ENTRA_CLIENT_SECRET: SECRET,
        ENTRA_AUTHORITY_HOST: graph().authorityUrl,
        ENTRA_DISABLE_INSTANCE_DISCOVERY: 'true',
        GRAPH_BASE_URL: graph().graphUrl,
        ENTRA_ROLE_CACHE_MINUTES: '5',
      };
    },
    app: { directory: { ca: graph().ca } },
  }));
  // Registered after the bot's: the bot closes first.
  after(async () => entra?.close());
  let config: PlaygroundConfig;
  /** Avery Chen, the Playground's current user; Global admin only because the fake Graph says so. */
  let avery: PlaygroundUser;
  let personal: string;
  let group: string;
  /** The benefit Avery activates while Global admin. */
  let activated: string | undefined;

  const stored = (aadObjectId: string) => bot().store.read((tx) => tx.users.get(DEMO_TENANT, aadObjectId));
  const stateOf = async (benefitId: string) =>
    (await bot().store.read((tx) => tx.benefits.get(DEMO_TENANT, benefitId)))?.activation.state;

  before(() => {
    config = playgroundConfig();
    avery = config.currentUser;
    personal = config.personalChatId;
    group = config.groupChatId;
  });

  it('the Playground’s people are GUIDs of the demo tenant, and the organisation file lists none of them', async () => {
    expect(config.tenantId).to.equal(DEMO_TENANT);
    for (const u of [config.currentUser, ...config.users]) expect(u.aadObjectId, u.name).to.match(GUID);
    expect(avery.name).to.equal('Avery Chen');
    expect(await bot().store.read((tx) => tx.users.list(DEMO_TENANT))).to.deep.equal([]);
  });

  it('Avery, Global admin in the fake Graph, is found on first contact with name and email from the Playground’s roster', async () => {
    graph().makeGlobalAdmin(DEMO_TENANT, avery.aadObjectId);
    const welcome = await pg().install(personal);
    expect(visibleText(welcome)).to.include('Your partner support assistant');
    expect(await stored(avery.aadObjectId)).to.deep.include({
      name: 'Avery Chen',
      email: 'avery.chen@contoso.example',
      association: 'mpn',
      roles: ['globalAdmin'],
    });
    // TeamsInfo.getMember reached the Playground's roster (no fallback to the activity's name).
    expect(started().botLogs.lines.map((l) => l.msg)).to.not.include(ROSTER_WARNING);
    const asked = graph().graphRequests.filter((r) => r.path.includes(avery.aadObjectId));
    expect(asked.map((r) => [r.tenantId, r.status])).to.deep.include([DEMO_TENANT, 200]);
  });

  it('Avery activates a benefit through the card’s Action.Execute → pending', async () => {
    const benefits = onlyCard(await pg().say(personal, avery, 'what benefits do we have'));
    expect(visibleText(benefits.card)).to.include('Technical support benefits');
    const activate = cardActions(benefits.card).find((a) => a.verb === VERBS.startActivation);
    expect(activate, 'an Activate button: Avery is Global admin').to.not.equal(undefined);
    if (!activate) return;
    activated = String(activate.data?.benefitId);
    expect(await stateOf(activated)).to.be.oneOf(['notActivated', 'rejected']);
    const confirm = await pg().execute(personal, avery, benefits.message, activate);
    const confirmButton = cardActions(confirm.value).find((a) => a.verb === VERBS.confirmActivation);
    expect(confirmButton, visibleText(confirm.value)).to.not.equal(undefined);
    if (!confirmButton) return;
    const checksBefore = graph().graphRequests.length;
    const pending = await pg().execute(personal, avery, benefits.message, confirmButton);
    expect(visibleText(pending.value)).to.include('Activation pending');
    expect(await stateOf(activated)).to.equal('pending');
    expect(graph().graphRequests.length, 'the confirmation asked Graph again').to.be.above(checksBefore);
  });

  it('once the role assignment is removed in the fake Graph, Avery’s next activation is refused', async () => {
    graph().removeRoleAssignments(DEMO_TENANT, avery.aadObjectId);
    // Within the role cache's 5 minutes the card still offers Activate; the action itself asks Graph.
    const benefits = onlyCard(await pg().say(personal, avery, 'show our benefits'));
    const activate = cardActions(benefits.card).find(
      (a) => a.verb === VERBS.startActivation && a.data?.benefitId !== activated,
    );
    expect(activate, 'another Activate button').to.not.equal(undefined);
    if (!activate) return;
    const benefitId = String(activate.data?.benefitId);
    const before = await stateOf(benefitId);
    const confirm = await pg().execute(personal, avery, benefits.message, activate);
    const confirmButton = cardActions(confirm.value).find((a) => a.verb === VERBS.confirmActivation);
    const answer = confirmButton
      ? await pg().execute(personal, avery, benefits.message, confirmButton)
      : confirm;
    expect(visibleText(answer.value)).to.include('Global Admin or MPN Partner Admin');
    expect(visibleText(answer.value)).to.not.include('Activation pending');
    expect(await stateOf(benefitId)).to.equal(before);
    expect((await stored(avery.aadObjectId))?.roles).to.deep.equal([]);
  });

  it('Dev, a member nobody imported, opens an incident in the group chat', async () => {
    const dev = userNamed(config, 'Dev Patel');
    expect(await stored(dev.aadObjectId)).to.equal(null);
    const { last } = await walkIncidentDialog((text) => pg().sayAs(group, dev, text), visibleText);
    const summary = onlyCard(last);
    const confirm = cardActions(summary.card).find((a) => a.verb === VERBS.confirmIncident);
    expect(confirm, 'Confirm button on the summary card').to.not.equal(undefined);
    if (!confirm) return;
    const opened = await pg().execute(group, dev, summary.message, confirm);
    const id = INCIDENT_ID.exec(visibleText(opened.value))?.[0];
    expect(id, visibleText(opened.value)).to.be.a('string');
    const incident = await bot().store.read((tx) => tx.incidents.get(DEMO_TENANT, id ?? ''));
    expect(incident?.openedBy).to.equal(dev.aadObjectId);
    expect(incident?.title).to.equal('Availability group fails over');
    expect(await stored(dev.aadObjectId)).to.deep.include({
      name: 'Dev Patel',
      email: 'dev.patel@contoso.example',
      roles: [],
    });
    expect(started().botLogs.lines.map((l) => l.msg)).to.not.include(ROSTER_WARNING);
  });
});
