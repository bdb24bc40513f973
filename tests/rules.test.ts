/** One test (or group) per rule R2–R16 the service layer enforces; names cite the rule. */
import { expect } from 'chai';
import {
  ActivationStateError,
  BenefitExpiredError,
  BenefitNotActivatedError,
  NoBenefitsError,
  NotAuthorizedError,
  NotFoundError,
  QuotaExceededError,
  RoleRequiredError,
  SignatureCloudNotEntitledError,
  UnknownOrganisationError,
  UnknownUserError,
  ValidationError,
} from '../services/domain/errors';
import { activeBenefit, incidentInput, offer, OTHER_TENANT, TENANT, USERS, who } from './helpers/fixtures';
import { engineWorld, forEachEngine, type EngineWorld } from './helpers/engines';

async function rejects<T extends Error>(p: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  try {
    await p;
  } catch (err) {
    expect(err, `expected ${type.name}, got ${String(err)}`).to.be.instanceOf(type);
    return err as T;
  }
  throw new Error(`expected ${type.name}, but the call succeeded`);
}

forEachEngine('service rules (FACTS R2–R16)', (engine) => {
  let w: EngineWorld;
  afterEach(async () => w?.close());

  describe('R2: activation requires the Global admin or MPN partner admin role', () => {
    beforeEach(async () => {
      w = await engineWorld(engine, [offer('silver-x', 'silver', 'Data Analytics', {})]);
    });
    for (const role of ['globalAdmin', 'partnerAdmin'] as const) {
      it(`${role} can request activation`, async () => {
        const r = await w.services.activation.request(who(role), 'silver-x.productSupport');
        expect(r.changed).to.equal(true);
        expect(r.benefit.activationState).to.equal('pending');
        expect(r.benefit.requestedBy).to.equal(USERS[role]);
      });
    }
    for (const role of ['member', 'adminAgent', 'supportLead'] as const) {
      it(`${role} is refused, and nothing changes`, async () => {
        const err = await rejects(
          w.services.activation.request(who(role), 'silver-x.productSupport'),
          RoleRequiredError,
        );
        expect(err.rules).to.deep.equal(['R2']);
        const view = await w.services.benefits.view(who('globalAdmin'));
        expect(view.offers[0].benefits[0].activationState).to.equal('notActivated');
      });
    }
    it('a member cannot record activation IDs either', async () => {
      await w.services.activation.request(who('globalAdmin'), 'silver-x.productSupport');
      await rejects(
        w.services.activation.recordIds(
          { kind: 'user', ...who('member') },
          TENANT,
          'silver-x.productSupport',
          {
            accessId: 'ACC-1234',
            contractId: 'CON-1234',
          },
        ),
        RoleRequiredError,
      );
    });
    it('canActivate is reported only for the two roles', async () => {
      expect((await w.services.benefits.view(who('globalAdmin'))).user.canActivate).to.equal(true);
      expect((await w.services.benefits.view(who('partnerAdmin'))).user.canActivate).to.equal(true);
      expect((await w.services.benefits.view(who('member'))).user.canActivate).to.equal(false);
      expect((await w.services.benefits.view(who('adminAgent'))).user.canActivate).to.equal(false);
    });
  });

  describe('R3: Admin agents create CSP customer requests', () => {
    beforeEach(async () => {
      w = await engineWorld(engine, [offer('gold-x', 'gold', 'Cloud Platform')]);
    });
    it('an Admin agent opens an Azure request for a CSP customer', async () => {
      const i = await w.services.incidents.open(who('adminAgent'), incidentInput('cspAzure'));
      expect(i.plan).to.equal('cloudSolutionProvider');
      expect(i.kind).to.equal('cspAzure');
    });
    it('a member without the Admin agent role is refused', async () => {
      const err = await rejects(
        w.services.incidents.open(who('member'), incidentInput('cspAzure')),
        RoleRequiredError,
      );
      expect(err.rules).to.deep.equal(['R3']);
    });
  });

  describe('R4: a CSP-only account is not authorized; an MPN-associated account is required', () => {
    beforeEach(async () => {
      w = await engineWorld(engine, [offer('gold-x', 'gold', 'Cloud Platform')]);
    });
    it('seeing benefits', async () => {
      const err = await rejects(w.services.benefits.view(who('cspOnly')), NotAuthorizedError);
      expect(err.message).to.equal('You are not authorized for this action');
    });
    it('opening on-premises and cloud incidents', async () => {
      await rejects(
        w.services.incidents.open(who('cspOnly'), incidentInput('onPremises')),
        NotAuthorizedError,
      );
      await rejects(w.services.incidents.open(who('cspOnly'), incidentInput('cloud')), NotAuthorizedError);
    });
    it('an account with no association at all is refused the same way', async () => {
      await rejects(w.services.benefits.view(who('unassociated')), NotAuthorizedError);
      await rejects(
        w.services.incidents.open(who('unassociated'), incidentInput('cspAzure')),
        NotAuthorizedError,
      );
    });
    it('a CSP-only Admin agent cannot activate (R4 before R2)', async () => {
      await rejects(
        w.services.activation.request(who('cspAgent'), 'gold-x.productSupport'),
        NotAuthorizedError,
      );
    });
  });

  describe('R5: no active membership offer', () => {
    it('no offers at all gives "Looks like you don\'t have any benefits yet"', async () => {
      w = await engineWorld(engine, []);
      const err = await rejects(w.services.benefits.view(who('member')), NoBenefitsError);
      expect(err.message).to.equal("Looks like you don't have any benefits yet");
      expect(err.rules).to.include('R6');
      await rejects(w.services.incidents.open(who('member'), incidentInput('onPremises')), NoBenefitsError);
    });
    it('only expired or not-yet-started offers count as none', async () => {
      w = await engineWorld(engine, [
        offer('old', 'gold', 'Security', 'allActive', { startsOn: '2025-01-01', expiresOn: '2025-12-31' }),
        offer('future', 'silver', 'Security', 'allActive', {
          startsOn: '2026-09-01',
          expiresOn: '2027-08-31',
        }),
      ]);
      await rejects(w.services.benefits.view(who('member')), NoBenefitsError);
    });
  });

  describe('R6: a user the organisation does not know may have signed in with another account', () => {
    it('unknown user and unknown tenant are told apart', async () => {
      w = await engineWorld(engine, [offer('gold-x', 'gold', 'Cloud Platform')]);
      const err = await rejects(
        w.services.benefits.view({ tenantId: TENANT, aadObjectId: '00000000-0000-4000-8000-00000000ffff' }),
        UnknownUserError,
      );
      expect(err.rules).to.deep.equal(['R6']);
      await rejects(
        w.services.benefits.view({ tenantId: OTHER_TENANT, aadObjectId: USERS.member }),
        UnknownOrganisationError,
      );
    });
  });

  describe('R7: benefits must be activated before they can be used', () => {
    for (const state of ['notActivated', 'pending', 'rejected'] as const) {
      it(`an on-premises incident is refused while Product Support is ${state}`, async () => {
        const benefits =
          state === 'notActivated'
            ? {}
            : {
                productSupport: {
                  activation: state,
                  requestedBy: USERS.globalAdmin,
                  ...(state === 'rejected' ? { rejectedReason: 'not eligible yet' } : {}),
                },
              };
        w = await engineWorld(engine, [offer('ap', 'actionPack', null, benefits)]);
        const err = await rejects(
          w.services.incidents.open(who('member'), incidentInput('onPremises')),
          BenefitNotActivatedError,
        );
        expect(err.states).to.deep.equal([state]);
        const view = await w.services.benefits.view(who('member'));
        expect(view.offers[0].benefits[0].used).to.equal(0);
      });
    }
  });

  describe('R8: activation is a request that takes a few days; asking twice makes one request', () => {
    it('a second request (by either admin) changes nothing and writes nothing', async () => {
      w = await engineWorld(engine, [offer('ap', 'actionPack', null, {})]);
      const first = await w.services.activation.request(who('globalAdmin'), 'ap.productSupport');
      w.clock.set('2026-06-16T10:00:00Z');
      const second = await w.services.activation.request(who('partnerAdmin'), 'ap.productSupport');
      expect(first.changed).to.equal(true);
      expect(second.changed).to.equal(false);
      expect(second.benefit.requestedBy).to.equal(USERS.globalAdmin);
      expect(second.benefit.requestedAt).to.equal(first.benefit.requestedAt);
      const audit = await w.store.read((tx) => tx.audit.list(TENANT));
      expect(audit.filter((a) => a.action === 'activation.requested')).to.have.length(1);
      const outbox = await w.store.read((tx) => tx.outbox.list(TENANT));
      expect(outbox.filter((o) => o.payload.kind === 'activationChanged')).to.have.length(1);
      expect((await w.services.activation.pending(TENANT)).map((b) => b.id)).to.deep.equal([
        'ap.productSupport',
      ]);
    });
    it('concurrent requests make one request', async () => {
      w = await engineWorld(engine, [offer('ap', 'actionPack', null, {})]);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          w.services.activation.request(who(i % 2 ? 'globalAdmin' : 'partnerAdmin'), 'ap.productSupport'),
        ),
      );
      expect(results.filter((r) => r.changed)).to.have.length(1);
    });
  });

  describe('R9: after activation the Access ID and Contract ID are displayed', () => {
    beforeEach(async () => {
      w = await engineWorld(engine, [offer('ap', 'actionPack', null, {})]);
    });
    it('pending shows no IDs; recording valid IDs makes the benefit active with them', async () => {
      await w.services.activation.request(who('globalAdmin'), 'ap.productSupport');
      let b = (await w.services.benefits.view(who('member'))).offers[0].benefits[0];
      expect([b.status, b.accessId, b.contractId]).to.deep.equal(['pending', null, null]);
      const r = await w.services.activation.recordIds(
        { kind: 'user', ...who('partnerAdmin') },
        TENANT,
        'ap.productSupport',
        {
          accessId: ' ACC-778899 ',
          contractId: 'CON-112233',
        },
      );
      expect(r.changed).to.equal(true);
      b = (await w.services.benefits.view(who('member'))).offers[0].benefits[0];
      expect([b.status, b.accessId, b.contractId]).to.deep.equal(['active', 'ACC-778899', 'CON-112233']);
      const outbox = await w.store.read((tx) => tx.outbox.list(TENANT));
      expect(outbox.map((o) => o.payload.kind === 'activationChanged' && o.payload.to)).to.deep.equal([
        'pending',
        'active',
      ]);
    });
    it('malformed IDs are refused with every problem listed', async () => {
      await w.services.activation.request(who('globalAdmin'), 'ap.productSupport');
      const err = await rejects(
        w.services.activation.recordIds({ kind: 'system', name: 't' }, TENANT, 'ap.productSupport', {
          accessId: 'x',
          contractId: 'bad id!',
        }),
        ValidationError,
      );
      expect(err.problems.map((p) => p.path)).to.deep.equal(['accessId', 'contractId']);
    });
    it('IDs cannot be recorded before a request, and a different pair cannot overwrite active IDs', async () => {
      await rejects(
        w.services.activation.recordIds({ kind: 'system', name: 't' }, TENANT, 'ap.productSupport', {
          accessId: 'ACC-1111',
          contractId: 'CON-1111',
        }),
        ActivationStateError,
      );
      await w.services.activation.request(who('globalAdmin'), 'ap.productSupport');
      const sys = { kind: 'system' as const, name: 't' };
      await w.services.activation.recordIds(sys, TENANT, 'ap.productSupport', {
        accessId: 'ACC-1111',
        contractId: 'CON-1111',
      });
      const again = await w.services.activation.recordIds(sys, TENANT, 'ap.productSupport', {
        accessId: 'ACC-1111',
        contractId: 'CON-1111',
      });
      expect(again.changed).to.equal(false);
      await rejects(
        w.services.activation.recordIds(sys, TENANT, 'ap.productSupport', {
          accessId: 'ACC-2222',
          contractId: 'CON-2222',
        }),
        ActivationStateError,
      );
    });
    it('a rejected request can be requested again', async () => {
      await w.services.activation.request(who('globalAdmin'), 'ap.productSupport');
      await w.services.activation.reject(
        { kind: 'system', name: 't' },
        TENANT,
        'ap.productSupport',
        'MPN ID mismatch',
      );
      let b = (await w.services.benefits.view(who('member'))).offers[0].benefits[0];
      expect(b.status).to.equal('rejected');
      const r = await w.services.activation.request(who('partnerAdmin'), 'ap.productSupport');
      expect(r.changed).to.equal(true);
      b = (await w.services.benefits.view(who('member'))).offers[0].benefits[0];
      expect(b.status).to.equal('pending');
    });
  });

  describe('R10: the IDs are there for the first use of support', () => {
    it('a plain member sees the Access ID and Contract ID of active benefits', async () => {
      w = await engineWorld(engine, [
        offer('ap', 'actionPack', null, { productSupport: activeBenefit(0, 'AP') }),
      ]);
      const b = (await w.services.benefits.view(who('member'))).offers[0].benefits[0];
      expect(b.accessId).to.equal('ACC-AP-0001');
      expect(b.contractId).to.equal('CON-AP-0001');
    });
  });

  describe('R13: Product Support is for on-premises products, Signature Cloud Support for cloud products of Gold/Silver partners', () => {
    it('on-premises incidents count against Product Support, cloud incidents against Signature Cloud Support', async () => {
      w = await engineWorld(engine, [offer('silver-x', 'silver', 'Data Analytics')]);
      const onPrem = await w.services.incidents.open(who('member'), incidentInput('onPremises'));
      const cloud = await w.services.incidents.open(who('member'), incidentInput('cloud'));
      expect([onPrem.plan, onPrem.benefitId]).to.deep.equal(['productSupport', 'silver-x.productSupport']);
      expect([cloud.plan, cloud.benefitId]).to.deep.equal([
        'signatureCloudSupport',
        'silver-x.signatureCloudSupport',
      ]);
      const benefits = (await w.services.benefits.view(who('member'))).offers[0].benefits;
      expect(benefits.map((b) => b.used)).to.deep.equal([1, 1]);
    });
    it('an Action Pack–only partner gets no Signature Cloud Support', async () => {
      w = await engineWorld(engine, [offer('ap', 'actionPack', null)]);
      const err = await rejects(
        w.services.incidents.open(who('member'), incidentInput('cloud')),
        SignatureCloudNotEntitledError,
      );
      expect(err.rules).to.deep.equal(['R11', 'R13']);
    });
  });

  describe('R14: benefits last until they expire or no support incidents remain', () => {
    it('the expiry day itself is still valid; the day after is refused', async () => {
      w = await engineWorld(engine, [
        offer('ap', 'actionPack', null, 'allActive', { expiresOn: '2026-06-15' }),
      ]);
      await w.services.incidents.open(who('member'), incidentInput('onPremises'));
      w.clock.set('2026-06-16T00:00:01Z');
      const err = await rejects(
        w.services.incidents.open(who('member'), incidentInput('onPremises')),
        BenefitExpiredError,
      );
      expect(err.expiredOn).to.equal('2026-06-15');
    });
    it('an exhausted benefit refuses the next incident and shows as exhausted', async () => {
      w = await engineWorld(engine, [offer('ap', 'actionPack', null, { productSupport: activeBenefit(9) })]);
      await w.services.incidents.open(who('member'), incidentInput('onPremises'));
      const err = await rejects(
        w.services.incidents.open(who('member'), incidentInput('onPremises')),
        QuotaExceededError,
      );
      expect(err.total).to.equal(10);
      const b = (await w.services.benefits.view(who('member'))).offers[0].benefits[0];
      expect([b.status, b.used, b.remaining]).to.deep.equal(['exhausted', 10, 0]);
    });
    it('an expired offer still shows, marked expired, beside an active one', async () => {
      w = await engineWorld(engine, [
        offer('old', 'gold', 'Security', 'allActive', { startsOn: '2025-01-01', expiresOn: '2026-01-31' }),
        offer('ap', 'actionPack', null),
      ]);
      const view = await w.services.benefits.view(who('member'));
      expect(view.offers.map((o) => [o.id, o.active, o.benefits[0].status])).to.deep.equal([
        ['old', false, 'expired'],
        ['ap', true, 'active'],
      ]);
    });
  });

  describe('R15: any member account can use on-premises support once the IDs exist', () => {
    it('a member without any admin role opens an on-premises incident', async () => {
      w = await engineWorld(engine, [offer('ap', 'actionPack', null)]);
      const i = await w.services.incidents.open(who('member'), incidentInput('onPremises'));
      expect(i.openedBy).to.equal(USERS.member);
      expect(i.state).to.equal('open');
    });
  });

  describe('R16: CSP Azure requests use the Cloud Solution Provider plan without a support contract', () => {
    it('no incident is consumed, even when every benefit is exhausted or not activated', async () => {
      w = await engineWorld(engine, [offer('ap', 'actionPack', null, { productSupport: activeBenefit(10) })]);
      const before = (await w.services.benefits.view(who('member'))).offers[0].benefits[0].used;
      const i = await w.services.incidents.open(who('adminAgent'), incidentInput('cspAzure'));
      expect([i.plan, i.benefitId]).to.deep.equal(['cloudSolutionProvider', null]);
      const after = (await w.services.benefits.view(who('member'))).offers[0].benefits[0].used;
      expect(after).to.equal(before);
    });
    it('a CSP-only Admin agent may make it (the exception to R4)', async () => {
      w = await engineWorld(engine, []);
      const i = await w.services.incidents.open(who('cspAgent'), incidentInput('cspAzure'));
      expect(i.plan).to.equal('cloudSolutionProvider');
    });
  });
});

forEachEngine('incidents: listing, showing, closing', (engine) => {
  let w: EngineWorld;
  beforeEach(async () => {
    w = await engineWorld(engine, [offer('gold-x', 'gold', 'Cloud Platform')]);
  });
  afterEach(async () => w.close());

  it('members see their own; admins and support leads see the organisation’s', async () => {
    const mine = await w.services.incidents.open(who('member'), incidentInput('onPremises'));
    await w.services.incidents.open(who('globalAdmin'), incidentInput('cloud'));
    expect((await w.services.incidents.list(who('member'), 'mine')).map((i) => i.id)).to.deep.equal([
      mine.id,
    ]);
    await rejects(w.services.incidents.list(who('member'), 'organisation'), RoleRequiredError);
    expect(await w.services.incidents.list(who('supportLead'), 'organisation')).to.have.length(2);
  });

  it('another member’s incident looks not found; ids are matched without case or prefix', async () => {
    const i = await w.services.incidents.open(who('globalAdmin'), incidentInput('onPremises'));
    await rejects(w.services.incidents.show(who('member'), i.id), NotFoundError);
    expect((await w.services.incidents.show(who('globalAdmin'), i.id.slice(4).toLowerCase())).id).to.equal(
      i.id,
    );
  });

  it('the creator or an admin closes; a support lead cannot close others’; closing twice is harmless', async () => {
    const i = await w.services.incidents.open(who('member'), incidentInput('onPremises'));
    await rejects(w.services.incidents.close(who('supportLead'), i.id), RoleRequiredError);
    const closed = await w.services.incidents.close(who('partnerAdmin'), i.id);
    expect([closed.state, closed.closedBy]).to.deep.equal(['closed', USERS.partnerAdmin]);
    const again = await w.services.incidents.close(who('member'), i.id);
    expect(again.closedBy).to.equal(USERS.partnerAdmin);
    const b = (await w.services.benefits.view(who('member'))).offers[0].benefits[0];
    expect(b.used).to.equal(1); // closing does not give the incident back
  });

  it('bad input is refused with every problem listed, before anything is consumed', async () => {
    const err = await rejects(
      w.services.incidents.open(who('member'), {
        kind: 'onPremises',
        product: '',
        title: 'x',
        description: 'short',
        severity: 'Z' as 'A',
        contact: { name: 'D', email: 'not-an-email', phone: 'call me' },
      }),
      ValidationError,
    );
    expect(err.problems.map((p) => p.path)).to.deep.equal([
      'product',
      'title',
      'description',
      'severity',
      'contact.name',
      'contact.email',
      'contact.phone',
    ]);
    expect((await w.services.benefits.view(who('member'))).offers[0].benefits[0].used).to.equal(0);
  });
});
