/** The Teams app package: manifest and localization valid offline, icons Teams accepts, the zip. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { expect } from 'chai';
import { PNG } from 'pngjs';
import { drawColorIcon, drawOutlineIcon } from '../scripts/make-icons';
import {
  APP_ID_PLACEHOLDER,
  PACKAGE_FILES,
  buildAppPackage,
  bundledSchemaPath,
  parseManifestJson,
  schemaErrors,
  unknownLocalizationKeys,
  valueAtKey,
} from '../scripts/package-app';

const ROOT = path.resolve(__dirname, '..', '..');
const MANIFEST_DIR = path.join(ROOT, 'manifest');
const APP_ID = '3f1a6d9e-7a4b-4c1d-9e2f-0a1b2c3d4e5f';

function manifestText(appId = APP_ID): string {
  return fs
    .readFileSync(path.join(MANIFEST_DIR, 'manifest.json'), 'utf8')
    .split(APP_ID_PLACEHOLDER)
    .join(appId);
}

function localizationText(): string {
  return fs.readFileSync(path.join(MANIFEST_DIR, 'zh-cn.json'), 'utf8');
}

function asRecord(value: unknown): Record<string, unknown> {
  expect(value).to.be.an('object');
  return value as Record<string, unknown>;
}

function asArray(value: unknown): unknown[] {
  expect(value).to.be.an('array');
  return value as unknown[];
}

function readPng(file: string): PNG {
  return PNG.sync.read(fs.readFileSync(file));
}

/** The newest vX.Y the library bundles a Teams manifest schema for. */
function newestBundledTeamsVersion(): string {
  const teamsDir = path.join(
    path.dirname(require.resolve('@microsoft/app-manifest')),
    'json-schemas',
    'teams',
  );
  const versions = fs
    .readdirSync(teamsDir)
    .map((name) => /^v(\d+)\.(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .filter((m) => fs.existsSync(path.join(teamsDir, m[0], 'MicrosoftTeams.schema.json')))
    .map((m) => [Number(m[1]), Number(m[2])] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const [major, minor] = versions[versions.length - 1];
  return `${major}.${minor}`;
}

describe('Teams app manifest', () => {
  it('uses the newest schema version the library bundles, so it validates offline', () => {
    const manifest = asRecord(JSON.parse(manifestText()));
    const version = newestBundledTeamsVersion();
    expect(manifest.$schema).to.equal(
      `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`,
    );
    expect(manifest.manifestVersion).to.equal(version);
    expect(bundledSchemaPath(String(manifest.$schema))).to.be.a('string');
  });

  it('with an app id filled in has no schema errors', async () => {
    const manifest = parseManifestJson(manifestText(), 'manifest.json');
    expect(await AppManifestUtils.validateAgainstSchema(manifest)).to.deep.equal([]);
  });

  it('the schema check does catch mistakes (a bad bot scope, the unfilled placeholder)', async () => {
    const broken = asRecord(JSON.parse(manifestText()));
    asRecord(asArray(broken.bots)[0]).scopes = ['nonsense'];
    const errors = await AppManifestUtils.validateAgainstSchema(
      parseManifestJson(JSON.stringify(broken), 'broken manifest'),
    );
    expect(errors).to.have.length.greaterThan(0);
    expect(errors.join('\n')).to.include('/bots/0/scopes/0');

    const unfilled = parseManifestJson(manifestText(APP_ID_PLACEHOLDER), 'manifest.json');
    const unfilledErrors = (await AppManifestUtils.validateAgainstSchema(unfilled)).join('\n');
    expect(unfilledErrors).to.include('/id ');
    expect(unfilledErrors).to.include('/bots/0/botId ');
  });

  it('offers the commands in each scope and is the same bot in every scope', () => {
    const manifest: unknown = JSON.parse(manifestText());
    expect(valueAtKey(manifest, 'id')).to.equal(APP_ID);
    expect(valueAtKey(manifest, 'bots[0].botId')).to.equal(APP_ID);
    expect(valueAtKey(manifest, 'bots[0].scopes')).to.have.members(['personal', 'team', 'groupChat']);
    const titles = (list: number): unknown[] =>
      asArray(valueAtKey(manifest, `bots[0].commandLists[${list}].commands`)).map((c) => asRecord(c).title);
    expect(valueAtKey(manifest, 'bots[0].commandLists[0].scopes')).to.deep.equal(['personal']);
    expect(titles(0)).to.deep.equal([
      'benefits',
      'incidents left',
      'open incident',
      'my incidents',
      'activate',
      'help',
    ]);
    expect(valueAtKey(manifest, 'bots[0].commandLists[1].scopes')).to.have.members(['team', 'groupChat']);
    expect(titles(1)).to.deep.equal(['benefits', 'help', 'send alerts here']);
    expect(valueAtKey(manifest, 'localizationInfo.additionalLanguages')).to.deep.equal([
      { languageTag: 'zh-cn', file: 'zh-cn.json' },
    ]);
  });
});

describe('zh-cn localization', () => {
  it('uses the Localization schema of the same version', () => {
    const manifest = asRecord(JSON.parse(manifestText()));
    const localization = asRecord(JSON.parse(localizationText()));
    expect(localization.$schema).to.equal(
      String(manifest.$schema).replace(
        'MicrosoftTeams.schema.json',
        'MicrosoftTeams.Localization.schema.json',
      ),
    );
    expect(bundledSchemaPath(String(localization.$schema))).to.be.a('string');
  });

  it('has no schema errors, and the check catches an unknown key or a too long name', async () => {
    const localization = parseManifestJson(localizationText(), 'zh-cn.json');
    expect(await schemaErrors(localization, 'zh-cn.json')).to.deep.equal([]);

    const broken = asRecord(JSON.parse(localizationText()));
    broken['bots[0].commandList[0].commands[0].title'] = '拼错的键';
    broken['name.short'] = '名'.repeat(31);
    const errors = (await schemaErrors(parseManifestJson(JSON.stringify(broken), 'broken'), 'broken')).join(
      '\n',
    );
    expect(errors).to.include('bots[0].commandList[0].commands[0].title');
    expect(errors).to.include('/name.short');
  });

  it('localizes only strings the manifest has, and every command title', () => {
    const manifest: unknown = JSON.parse(manifestText());
    const localization = asRecord(JSON.parse(localizationText()));
    expect(unknownLocalizationKeys(manifest, localization)).to.deep.equal([]);
    for (const key of ['name.short', 'name.full', 'description.short', 'description.full']) {
      expect(localization[key], key)
        .to.be.a('string')
        .and.match(/\p{Script=Han}/u);
    }
    asArray(valueAtKey(manifest, 'bots[0].commandLists')).forEach((list, l) => {
      asArray(asRecord(list).commands).forEach((_command, c) => {
        for (const field of ['title', 'description']) {
          const key = `bots[0].commandLists[${l}].commands[${c}].${field}`;
          expect(localization[key], key)
            .to.be.a('string')
            .and.match(/\p{Script=Han}/u);
        }
      });
    });
    expect(
      unknownLocalizationKeys(manifest, {
        ...localization,
        'bots[0].commandLists[2].commands[0].title': 'x',
      }),
    ).to.deep.equal(['bots[0].commandLists[2].commands[0].title']);
  });
});

describe('Teams app icons', () => {
  it('color.png is 192×192 and fully opaque', () => {
    const png = readPng(path.join(MANIFEST_DIR, 'color.png'));
    expect([png.width, png.height]).to.deep.equal([192, 192]);
    for (let i = 3; i < png.data.length; i += 4) expect(png.data[i]).to.equal(255);
  });

  it('outline.png is 32×32, every pixel transparent or white, and not blank', () => {
    const png = readPng(path.join(MANIFEST_DIR, 'outline.png'));
    expect([png.width, png.height]).to.deep.equal([32, 32]);
    let opaque = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = png.data.subarray(i, i + 4);
      if (a === 0) continue;
      expect([r, g, b], `pixel ${i / 4}`).to.deep.equal([255, 255, 255]);
      if (a === 255) opaque++;
    }
    expect(opaque).to.be.greaterThan(100);
  });

  it('the committed icons are what scripts/make-icons draws', () => {
    expect(readPng(path.join(MANIFEST_DIR, 'color.png')).data.equals(drawColorIcon().data)).to.equal(true);
    expect(readPng(path.join(MANIFEST_DIR, 'outline.png')).data.equals(drawOutlineIcon().data)).to.equal(
      true,
    );
  });
});

describe('app package', () => {
  let tmp: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
  });

  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('zips exactly the manifest, its localization and the icons, with the app id filled in', async () => {
    const outFile = path.join(tmp, 'nested', 'appPackage.zip');
    expect(await buildAppPackage({ appId: APP_ID, outFile })).to.equal(outFile);
    const zip = new AdmZip(outFile);
    const names = zip.getEntries().map((e) => e.entryName);
    expect(names).to.have.members([...PACKAGE_FILES]);
    expect(names).to.have.lengthOf(4);

    const manifestEntry = zip.readAsText('manifest.json');
    expect(manifestEntry).to.not.include(APP_ID_PLACEHOLDER);
    const manifest: unknown = JSON.parse(manifestEntry);
    expect(valueAtKey(manifest, 'id')).to.equal(APP_ID);
    expect(valueAtKey(manifest, 'bots[0].botId')).to.equal(APP_ID);
    expect(JSON.parse(zip.readAsText('zh-cn.json'))).to.deep.equal(JSON.parse(localizationText()));
    for (const icon of ['color.png', 'outline.png']) {
      const entry = zip.readFile(icon);
      expect(entry, icon).to.not.equal(null);
      expect(entry?.equals(fs.readFileSync(path.join(MANIFEST_DIR, icon))), icon).to.equal(true);
    }
  });

  it('refuses an app id that is not a GUID, naming MICROSOFT_APP_ID, and writes nothing', async () => {
    const outFile = path.join(tmp, 'refused.zip');
    try {
      await buildAppPackage({ appId: 'not-a-guid', outFile });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.include('MICROSOFT_APP_ID');
    }
    expect(fs.existsSync(outFile)).to.equal(false);
  });
});
