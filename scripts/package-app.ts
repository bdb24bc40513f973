/**
 * Builds the Teams app package (build/appPackage.zip): the manifest with the bot's app id
 * filled in, its zh-cn localization and the two icons, at the root of the zip. The manifest
 * and the localization are validated offline against the JSON schemas bundled with
 * @microsoft/app-manifest first; a package Teams would reject is never written.
 * `MICROSOFT_APP_ID=… npm run package`
 */
import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';

const ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_MANIFEST_DIR = path.join(ROOT, 'manifest');
export const DEFAULT_OUT_FILE = path.join(ROOT, 'build', 'appPackage.zip');

export const APP_ID_PLACEHOLDER = '{{MICROSOFT_APP_ID}}';
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SCHEMA_HOST = 'https://developer.microsoft.com/';

/** The files in the package, all at the root of the zip. */
export const PACKAGE_FILES = ['manifest.json', 'zh-cn.json', 'color.png', 'outline.png'] as const;

export interface PackageOptions {
  /** The bot's Microsoft App ID (a GUID); becomes both the app id and the bot id. */
  appId: string;
  /** Where to write the zip; default build/appPackage.zip. Its folder is created. */
  outFile?: string;
  /** Where manifest.json, zh-cn.json and the icons are; default manifest/. */
  manifestDir?: string;
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a manifest-like JSON document; it must at least be an object naming its $schema. */
export function parseManifestJson(text: string, file: string): AppManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(value) || typeof value.$schema !== 'string') {
    throw new Error(`${file} must be a JSON object with a "$schema" property`);
  }
  // The shape is checked against the JSON schema by the caller; this is only the entry ticket.
  return value as unknown as AppManifest;
}

/**
 * Path of the schema bundled with @microsoft/app-manifest for a $schema URL, or undefined when the
 * library does not bundle it (it would then be downloaded, which a packaging step must not need).
 */
export function bundledSchemaPath(schemaUrl: string): string | undefined {
  if (!schemaUrl.startsWith(`${SCHEMA_HOST}json-schemas/teams/`)) return undefined;
  const libraryBuildDir = path.dirname(require.resolve('@microsoft/app-manifest'));
  const file = path.join(libraryBuildDir, ...schemaUrl.slice(SCHEMA_HOST.length).split('/'));
  return fs.existsSync(file) ? file : undefined;
}

type ManifestSchema = Awaited<ReturnType<typeof AppManifestUtils.fetchSchema>>;

/**
 * The Teams Localization schemas (every version up to vDevPreview) have two patternProperties
 * keys, `^activities.activityTypes\[\b(…)\b]\.description$` and `…templateText$`, with an
 * unescaped "]" that Ajv's unicode regular expressions reject ("Lone quantifier brackets"),
 * so the schema cannot be compiled as published (MicrosoftDocs/msteams-docs#8858). Escaping that
 * "]" gives the pattern its intended meaning (what it means without the u flag).
 */
export function repairLocalizationPattern(pattern: string): string {
  return pattern.split('\\b]').join('\\b\\]');
}

async function loadSchema(schemaUrl: string): Promise<ManifestSchema> {
  const schema: unknown = await AppManifestUtils.fetchSchema(schemaUrl);
  if (isRecord(schema) && isRecord(schema.patternProperties)) {
    schema.patternProperties = Object.fromEntries(
      Object.entries(schema.patternProperties).map(([key, value]) => [repairLocalizationPattern(key), value]),
    );
  }
  return schema as ManifestSchema;
}

/**
 * Schema errors of a Teams manifest or localization file, against the schema its $schema names;
 * offline only: a schema @microsoft/app-manifest does not bundle is refused, not downloaded.
 */
export async function schemaErrors(document: AppManifest, file: string): Promise<string[]> {
  const schemaUrl = document.$schema;
  if (typeof schemaUrl !== 'string' || bundledSchemaPath(schemaUrl) === undefined) {
    throw new Error(`${file}: $schema ${String(schemaUrl)} is not bundled with @microsoft/app-manifest`);
  }
  return AppManifestUtils.validateAgainstSchema(document, await loadSchema(schemaUrl));
}

/** Value at a localization key such as `bots[0].commandLists[1].commands[2].title`, or undefined. */
export function valueAtKey(document: unknown, key: string): unknown {
  let current: unknown = document;
  for (const part of key.split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) return undefined;
    current = isRecord(current) ? current[match[1]] : undefined;
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) {
      current = Array.isArray(current) ? current[Number(index[1])] : undefined;
    }
  }
  return current;
}

/** Keys of the localization file that name no string in the manifest (Teams rejects those). */
export function unknownLocalizationKeys(manifest: unknown, localization: unknown): string[] {
  if (!isRecord(localization)) return [];
  return Object.keys(localization)
    .filter((key) => key !== '$schema' && key !== 'localizationKeys')
    .filter((key) => typeof valueAtKey(manifest, key) !== 'string');
}

/**
 * Validates the manifest with appId filled in and writes the zip. Resolves to the zip's path.
 * Rejects (nothing written) when appId is not a GUID, a file is missing or a schema check fails.
 */
export async function buildAppPackage(options: PackageOptions): Promise<string> {
  const { appId } = options;
  if (!isGuid(appId)) {
    throw new Error(`MICROSOFT_APP_ID must be the bot's app id, a GUID (got "${appId}")`);
  }
  const manifestDir = options.manifestDir ?? DEFAULT_MANIFEST_DIR;
  const outFile = path.resolve(options.outFile ?? DEFAULT_OUT_FILE);

  const read = (name: string): Buffer => {
    const file = path.join(manifestDir, name);
    if (!fs.existsSync(file)) throw new Error(`Missing ${file}`);
    return fs.readFileSync(file);
  };
  const fillIn = (name: string): string => {
    const text = read(name).toString('utf8').split(APP_ID_PLACEHOLDER).join(appId);
    const left = /\{\{[A-Za-z0-9_]+\}\}/.exec(text);
    if (left) throw new Error(`${name} still contains the placeholder ${left[0]}`);
    return text;
  };

  const manifestText = fillIn('manifest.json');
  const localizationText = fillIn('zh-cn.json');
  const manifest = parseManifestJson(manifestText, 'manifest.json');
  const localization = parseManifestJson(localizationText, 'zh-cn.json');

  const problems = [
    ...(await schemaErrors(manifest, 'manifest.json')).map((e) => `manifest.json: ${e}`),
    ...(await schemaErrors(localization, 'zh-cn.json')).map((e) => `zh-cn.json: ${e}`),
    ...unknownLocalizationKeys(manifest, localization).map(
      (key) => `zh-cn.json: "${key}" names nothing in manifest.json`,
    ),
  ];
  if (problems.length > 0) {
    throw new Error(`The app manifest is invalid:\n  ${problems.join('\n  ')}`);
  }

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(manifestText, 'utf8'));
  zip.addFile('zh-cn.json', Buffer.from(localizationText, 'utf8'));
  zip.addFile('color.png', read('color.png'));
  zip.addFile('outline.png', read('outline.png'));
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  zip.writeZip(outFile);
  return outFile;
}

if (require.main === module) {
  const appId = process.env.MICROSOFT_APP_ID?.trim() ?? '';
  if (!isGuid(appId)) {
    console.error(
      appId === ''
        ? "MICROSOFT_APP_ID is not set: set it to the bot's app id (a GUID), e.g. MICROSOFT_APP_ID=… npm run package"
        : `MICROSOFT_APP_ID is not a GUID ("${appId}"): set it to the bot's app id`,
    );
    process.exitCode = 1;
  } else {
    buildAppPackage({ appId }).then(
      (file) => console.log(file),
      (err: unknown) => {
        console.error(err instanceof Error ? err.message : String(err));
        process.exitCode = 1;
      },
    );
  }
}
