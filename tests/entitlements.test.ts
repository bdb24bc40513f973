/** FACTS R11 (the table, cell by cell), R12 (cloud competencies), how several offers combine, and quota alerts. */
import { expect } from 'chai';
import { CLOUD_COMPETENCIES, competencyClass, entitlement } from '../services/domain/facts';
import type { AlertPayload } from '../services/domain/types';
import { crossedThresholds } from '../services/incidents/selection';
import { activeBenefit, incidentInput, offer, TENANT, who, world, type TestWorld } from './helpers/fixtures';

describe('R11: the entitlement table, cell by cell', () => {
  const cells: [
    string,
    'actionPack' | 'silver' | 'gold',
    'cloud' | 'other' | null,
    'productSupport' | 'signatureCloudSupport',
    number | null | undefined,
  ][] = [
    ['Product Support, Action Pack: 10 incidents', 'actionPack', null, 'productSupport', 10],
    ['Product Support, Silver: 15 incidents', 'silver', 'other', 'productSupport', 15],
    ['Product Support, Silver (cloud competency): 15 incidents', 'silver', 'cloud', 'productSupport', 15],
    ['Product Support, Gold: 20 incidents', 'gold', 'other', 'productSupport', 20],
    ['Product Support, Gold (cloud competency): 20 incidents', 'gold', 'cloud', 'productSupport', 20],
    ['Signature Cloud Support, Action Pack: none', 'actionPack', null, 'signatureCloudSupport', undefined],
    [
      'Signature Cloud Support, Silver cloud competency: unlimited',
      'silver',
      'cloud',
      'signatureCloudSupport',
      null,
    ],
    [
      'Signature Cloud Support, Silver other competency: 5 incidents',
      'silver',
      'other',
      'signatureCloudSupport',
      5,
    ],
    [
      'Signature Cloud Support, Gold cloud competency: unlimited',
      'gold',
      'cloud',
      'signatureCloudSupport',
      null,
    ],
    [
      'Signature Cloud Support, Gold other competency: 10 incidents',
      'gold',
      'other',
      'signatureCloudSupport',
      10,
    ],
  ];
  for (const [name, level, cls, type, expected] of cells) {
    it(name, () => expect(entitlement(level, cls, type)).to.equal(expected));
  }

  it('an imported organisation shows the same numbers to its members', async () => {
    const w = await world([
      offer('ap', 'actionPack', null),
      offer('silver-cloud', 'silver', 'Cloud Productivity'),
      offer('silver-other', 'silver', 'Data Analytics'),
      offer('gold-cloud', 'gold', 'Security'),
      offer('gold-other', 'gold', 'Application Development'),
    ]);
    try {
      const view = await w.services.benefits.view(who('member'));
      const totals = view.offers.map((o) => [
        o.id,
        ...o.benefits.map((b) => `${b.type}:${b.total ?? 'unlimited'}`),
      ]);
      expect(totals).to.deep.equal([
        ['ap', 'productSupport:10'],
        ['silver-cloud', 'productSupport:15', 'signatureCloudSupport:unlimited'],
        ['silver-other', 'productSupport:15', 'signatureCloudSupport:5'],
        ['gold-cloud', 'productSupport:20', 'signatureCloudSupport:unlimited'],
        ['gold-other', 'productSupport:20', 'signatureCloudSupport:10'],
      ]);
      expect(view.offers[1].benefits[1].remaining).to.equal(null);
    } finally {
      await w.close();
    }
  });
});

describe('R12: cloud competencies', () => {
  for (const name of CLOUD_COMPETENCIES) {
    it(`${name} is a cloud competency`, () => expect(competencyClass(name)).to.equal('cloud'));
  }
  it('names are matched without case, punctuation or the word "competency"', () => {
    expect(competencyClass('Security Competency')).to.equal('cloud');
    expect(competencyClass('small and midmarket cloud solutions')).to.equal('cloud');
  });
  for (const name of [
    'Data Analytics',
    'Application Development',
    'Datacenter',
    'Cloud',
    'Security Analytics',
  ]) {
    it(`${name} is an other competency`, () => expect(competencyClass(name)).to.equal('other'));
  }
});

describe('several offers at once: how incidents are counted', () => {
  let w: TestWorld;
  afterEach(async () => w.close());

  it('cloud incidents use an unlimited cloud-competency benefit before a limited one', async () => {
    w = await world([
      offer('gold-other', 'gold', 'Data Analytics'),
      offer('silver-cloud', 'silver', 'Cloud Platform'),
    ]);
    const i = await w.services.incidents.open(who('member'), incidentInput('cloud'));
    expect(i.benefitId).to.equal('silver-cloud.signatureCloudSupport');
  });

  it('among limited benefits the one that expires first is used first, then the next', async () => {
    w = await world([
      offer('gold-x', 'gold', 'Data Analytics', 'allActive', { expiresOn: '2026-12-31' }),
      offer('ap', 'actionPack', null, { productSupport: activeBenefit(8) }, { expiresOn: '2026-08-31' }),
    ]);
    const used: (string | null)[] = [];
    for (let n = 0; n < 3; n++)
      used.push((await w.services.incidents.open(who('member'), incidentInput('onPremises'))).benefitId);
    expect(used).to.deep.equal(['ap.productSupport', 'ap.productSupport', 'gold-x.productSupport']);
  });

  it('a benefit that is not activated is skipped while an active one remains', async () => {
    w = await world([offer('gold-x', 'gold', 'Data Analytics', {}), offer('ap', 'actionPack', null)]);
    const i = await w.services.incidents.open(who('member'), incidentInput('onPremises'));
    expect(i.benefitId).to.equal('ap.productSupport');
  });

  it('eligibility reports the benefit and what remains without consuming anything', async () => {
    w = await world([offer('ap', 'actionPack', null, { productSupport: activeBenefit(4) })]);
    const e = await w.services.incidents.eligibility(who('member'), 'onPremises');
    expect(e).to.include({ plan: 'productSupport', benefitId: 'ap.productSupport', remaining: 6 });
    expect((await w.services.benefits.view(who('member'))).offers[0].benefits[0].used).to.equal(4);
  });
});

describe('quota alerts written in the incident’s own transaction', () => {
  it('crossedThresholds: 50 %, 80 %, one left and exhausted, each exactly once', () => {
    const all = ['half', 'eightyPercent', 'oneLeft', 'exhausted'] as const;
    const seen: string[] = [];
    for (let used = 1; used <= 10; used++)
      seen.push(...crossedThresholds(used - 1, used, 10, all).map((t) => `${used}:${t}`));
    expect(seen).to.deep.equal(['5:half', '8:eightyPercent', '9:oneLeft', '10:exhausted']);
    expect(crossedThresholds(2, 3, 5, all)).to.deep.equal(['half']);
    expect(crossedThresholds(3, 4, 5, all)).to.deep.equal(['eightyPercent', 'oneLeft']);
  });

  it('opening the incidents of a 10-incident benefit writes exactly the four alerts, with the incident that crossed', async () => {
    const w = await world([offer('ap', 'actionPack', null)]);
    try {
      const ids: string[] = [];
      for (let n = 0; n < 10; n++)
        ids.push((await w.services.incidents.open(who('member'), incidentInput('onPremises'))).id);
      const alerts = (await w.store.read((tx) => tx.outbox.list(TENANT)))
        .map((a) => a.payload)
        .filter((p): p is Extract<AlertPayload, { kind: 'quotaThreshold' }> => p.kind === 'quotaThreshold');
      expect(alerts.map((a) => [a.threshold, a.used, a.remaining, a.incidentId])).to.deep.equal([
        ['half', 5, 5, ids[4]],
        ['eightyPercent', 8, 2, ids[7]],
        ['oneLeft', 9, 1, ids[8]],
        ['exhausted', 10, 0, ids[9]],
      ]);
    } finally {
      await w.close();
    }
  });

  it('unlimited benefits and CSP Azure requests write no quota alerts', async () => {
    const w = await world([offer('gold-cloud', 'gold', 'Cloud Platform')]);
    try {
      for (let n = 0; n < 12; n++) await w.services.incidents.open(who('member'), incidentInput('cloud'));
      await w.services.incidents.open(who('adminAgent'), incidentInput('cspAzure'));
      expect(await w.store.read((tx) => tx.outbox.list(TENANT))).to.have.length(0);
    } finally {
      await w.close();
    }
  });
});
