/**
 * Renders the main cards with the official Adaptive Cards renderer in headless Chromium
 * (Debian's /usr/bin/chromium, driven by playwright-core) and saves PNGs into docs/.
 * A developer tool: `npm run screenshots` (apt-get install chromium fonts-noto-cjk first).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  activationStatusCard,
  benefitsCard,
  incidentCard,
  refusalCard,
  refusalFromError,
  type AdaptiveCard,
  alertCard,
  CardRenderer,
} from '../cards';

import { fixedClock } from '../services/domain/clock';
import { QuotaExceededError } from '../services/domain/errors';
import { createServices } from '../services/index';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { SqliteStore } from '../services/storage/sqlite/sqliteStore';

/** A renderer with its memo on, as the bot runs (CARD_CACHE=on). */
const renderer = new CardRenderer({ cache: true });

const ROOT = path.resolve(__dirname, '../..');
const TENANT = '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
const admin = { tenantId: TENANT, aadObjectId: '00000000-0000-4000-8000-000000000001' };
const member = { tenantId: TENANT, aadObjectId: '00000000-0000-4000-8000-000000000004' };

/** Close to Teams' light theme. */
const HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Noto Sans CJK SC', 'Noto Sans', sans-serif",
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7' },
        good: { default: '#237B4B' },
        warning: { default: '#835B00' },
        attention: { default: '#C4314B' },
      },
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7' },
        good: { default: '#237B4B' },
        warning: { default: '#835B00' },
        attention: { default: '#C4314B' },
      },
    },
  },
  actions: { actionsOrientation: 'horizontal', buttonSpacing: 8, maxActions: 6 },
};

async function cards(): Promise<[string, AdaptiveCard][]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-shots-'));
  const store = SqliteStore.open(path.join(dir, 'shots.sqlite'));
  const clock = fixedClock('2026-11-24T09:00:00Z');
  await importOrganisation(
    store,
    clock,
    JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/demo-org.json'), 'utf8')),
  );
  const services = createServices(store, clock);
  const adminView = await services.benefits.view(admin);
  const incident = await services.incidents.open(member, {
    kind: 'onPremises',
    product: 'SQL Server 2022',
    title: 'Availability group fails over every night',
    description:
      'The secondary replica goes offline at 02:00 with error 35250; the listener stops answering for about 40 seconds.',
    severity: 'B',
    contact: { name: 'Dev Patel', email: 'dev.patel@contoso.example', phone: '+1 425 555 0100' },
  });
  const pending = await services.activation.request(admin, 'gold-application-development.productSupport');
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return [
    ['benefits-card.en', benefitsCard(renderer, adminView, 'en', { showActivate: true })],
    ['benefits-card.zh', benefitsCard(renderer, adminView, 'zh', { showActivate: true })],
    ['incident-card', incidentCard(renderer, incident, 'en', { canClose: true })],
    [
      'activation-pending',
      activationStatusCard(renderer, pending.benefit, pending.offer, 'en', { canRecord: true }),
    ],
    [
      'refusal-quota',
      refusalCard(renderer, refusalFromError(new QuotaExceededError('productSupport', 20)), 'en'),
    ],
    [
      'alert-card.zh',
      alertCard(
        renderer,
        {
          payload: {
            kind: 'quotaThreshold',
            threshold: 'oneLeft',
            benefitId: 'action-pack.productSupport',
            benefitType: 'productSupport',
            offerId: 'action-pack',
            total: 10,
            used: 9,
            remaining: 1,
            incidentId: incident.id,
            openedBy: member.aadObjectId,
          },
          organisationName: adminView.organisation.name,
          offer: { level: 'actionPack', competency: null, competencyClass: null },
          names: { [member.aadObjectId]: 'Dev Patel' },
        },
        'zh',
      ),
    ],
  ];
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 560, height: 800 }, deviceScaleFactor: 2 });
    await page.setContent(
      '<!doctype html><html><body style="margin:0;background:#EBEBEB"><div id="card" style="width:520px;margin:16px;background:#fff;border-radius:8px;overflow:hidden"></div></body></html>',
    );
    await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
    fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    for (const [name, card] of await cards()) {
      await page.evaluate(
        ([c, hc]) => {
          // Runs in the page: the official renderer, as the Teams client uses it.
          const AC = (window as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
          const adaptive = new AC.AdaptiveCard();
          adaptive.hostConfig = new AC.HostConfig(hc);
          adaptive.parse(c);
          const host = document.getElementById('card') as HTMLElement;
          host.innerHTML = '';
          const rendered = adaptive.render();
          if (rendered) host.appendChild(rendered);
        },
        [card, HOST_CONFIG] as const,
      );
      const file = path.join(ROOT, 'docs', `${name}.png`);
      await page.locator('#card').screenshot({ path: file });
      console.log(`wrote ${path.relative(ROOT, file)}`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
