/**
 * What a question names: benefit types, membership levels and competencies (English, Chinese and
 * the abbreviations partners use), a pronoun that points back at the benefit just talked about,
 * and for incident lists whether only open ones are meant. The intent says what is asked; these
 * say about which of the organisation's benefits (dialogs/benefitAnswers.ts matches them).
 */
import { COMPETENCY_NAMES_ZH } from '../../services/domain/facts';
import { ZERO_PRONOUN } from './lexicon';
import type { BenefitType, IncidentKind, OfferLevel } from '../../services/domain/types';

export interface BenefitMention {
  types: BenefitType[];
  levels: OfferLevel[];
  /** Competency names as the organisation's data spells them in English ("Cloud Platform"), or as typed. */
  competencies: string[];
}

export interface Entities {
  incidentId?: string;
  /** Set when the question names a benefit, a level or a competency. */
  benefit?: BenefitMention;
  /** "it", "that one", "那个": the benefit the conversation was just about. */
  followUp?: boolean;
  /** For incident lists: "open" when only unresolved ones are asked for. */
  incidentScope?: 'open';
  /** For a new incident: on-premises or cloud, when the message says which (R3, R16: CSP Azure only when said). */
  incidentKind?: IncidentKind;
}

const TYPES: readonly [BenefitType, RegExp][] = [
  [
    'productSupport',
    /product ?supp?ort|prod(uct)? supp\b|\bpsi\b|on.?prem(ise|ises)? support|partner on.?premises support|产品支持|本地支持|本地产品支持/,
  ],
  [
    'signatureCloudSupport',
    /signature( cloud)?( support)?|signatur\b|\bscs\b|partner cloud support|\bcloud support\b|签名云支持|签名支持|签名云|云支持/,
  ],
];

const LEVELS: readonly [OfferLevel, RegExp][] = [
  ['actionPack', /action ?pack|\bmaps\b|\bmap\b(?= (subscription|benefit|offer))|行动包/],
  ['silver', /\bsilver\b|银牌|银级|银卡/],
  ['gold', /\bgold\b|金牌|金级|金卡/],
];

/** Abbreviations partners use for competencies; the full English names are matched as they are. */
const COMPETENCY_ABBREVIATIONS: Readonly<Record<string, string>> = {
  'app dev': 'Application Development',
  appdev: 'Application Development',
  ems: 'Enterprise Mobility Management',
  cba: 'Cloud Business Applications',
  smb: 'Small and Midmarket Cloud Solutions',
  erp: 'Enterprise Resource Planning',
};

const FOLLOW_UP =
  /\b(it|its|that|this|them|those|the same)\b|那个|那项|那一个|这个|这项|它|该权益|该激活|上面(那|这)/;
const OPEN_ONLY =
  /\b(open|unresolved|not closed|unclosed|outstanding|in progress|active|ongoing)\b|未关闭|没关闭|未解决|没解决|进行中|处理中|还开着|打开的|开着的/;

/** Cloud products by name (a name alone is a product the incident can be about). */
const CLOUD_PRODUCT =
  /azure|office 365|microsoft 365|\b[mo]365\b|(exchange|sharepoint) online|onedrive|microsoft teams|intune|\bentra\b|dynamics 365|power (bi|apps|automate|platform)/;
/** Words for the kind itself, not a product. */
const CLOUD_WORDS = /\bcloud\b|\bsaas\b|\bpaas\b|\biaas\b|云(?!解决方案提供商)/;
/** On-premises products by name; "SQL" alone is the server (Azure SQL names Azure too, which leaves the kind open). */
const ON_PREMISES_PRODUCT =
  /\b(windows|sql|exchange|sharepoint|biztalk|skype for business|lync|project|dynamics (ax|gp|nav|sl)) server\b|\bserver (19|20)\d\d\b|\bsystem center\b|(?<!azure )\bsql\b|\bhyper v\b|\bdomain controllers?\b|域控/;
const ON_PREMISES_WORDS = /on ?prem|本地|内部部署|自建|机房/;
const CSP = /\bcsp\b|cloud solution provider|云解决方案提供商/;

/** One of the two kinds, when exactly one was named. */
function eitherKind(cloud: boolean, onPremises: boolean): 'cloud' | 'onPremises' | undefined {
  if (cloud === onPremises) return undefined;
  return cloud ? 'cloud' : 'onPremises';
}

/**
 * What a new incident is about, from the products it names (R13: Product Support is for
 * on-premises products, Signature Cloud Support for cloud ones). CSP Azure only when CSP is said
 * as well as Azure (R3, R16); both cloud and on-premises words, or neither, leave the question open.
 */
function incidentKindOf(norm: string, types: readonly BenefitType[]): IncidentKind | undefined {
  if (CSP.test(norm) && /azure/.test(norm)) return 'cspAzure';
  return eitherKind(
    CLOUD_PRODUCT.test(norm) || CLOUD_WORDS.test(norm) || types.includes('signatureCloudSupport'),
    ON_PREMISES_PRODUCT.test(norm) || ON_PREMISES_WORDS.test(norm) || types.includes('productSupport'),
  );
}

/** The kind of incident a short answer names, by a kind word ("on prem", "云") or a product; undefined when none or both. */
export function incidentKindNamed(text: string): IncidentKind | undefined {
  return incidentKindOf(normalise(text), []);
}

/**
 * The kind of incident a product named on its own belongs to ("Windows Server 2019": on-premises,
 * "Azure Kubernetes Service": cloud), for a product typed where the kind is asked; undefined when
 * the text names no product or products of both kinds, or names only the kind ("on-prem").
 */
export function kindOfProductNamed(text: string): Exclude<IncidentKind, 'cspAzure'> | undefined {
  const norm = normalise(text);
  if (CSP.test(norm)) return undefined; // CSP Azure is only ever picked (R3, R16)
  return eitherKind(CLOUD_PRODUCT.test(norm), ON_PREMISES_PRODUCT.test(norm));
}

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9\u3400-\u9fff]+/g, ' ');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every spelling of a competency (English, Chinese, abbreviation) → its English name, matched by one regex. */
const COMPETENCY_SPELLINGS = new Map<string, string>([
  ...Object.keys(COMPETENCY_NAMES_ZH)
    .filter((en) => en !== 'Security') // "security" / "安全" alone are everyday words: see SECURITY below
    .map((en) => [normalise(en).trim(), en] as [string, string]),
  ...Object.entries(COMPETENCY_NAMES_ZH)
    .filter(([en, zh]) => zh !== en && en !== 'Security')
    .map(([en, zh]) => [normalise(zh).trim(), en] as [string, string]),
  ...Object.entries(COMPETENCY_ABBREVIATIONS),
]);
const COMPETENCY = new RegExp(
  [...COMPETENCY_SPELLINGS.keys()]
    .sort((a, b) => b.length - a.length)
    .map((k) => (/^[a-z0-9 ]+$/.test(k) ? String.raw`\b${escape(k)}\b` : escape(k)))
    .join('|'),
  'g',
);
const SECURITY = /\bsecurity (competenc|benefit|offer)|安全能力|安全的权益/;

/** Competency names the question contains: known English and Chinese names, and abbreviations. */
function competenciesIn(norm: string): string[] {
  const found = new Set<string>();
  // match() with a global regex lists what matchAll() would, without cloning the regex per call.
  for (const m of norm.match(COMPETENCY) ?? []) found.add(COMPETENCY_SPELLINGS.get(m)!);
  if (SECURITY.test(norm)) found.add('Security');
  return [...found];
}

export function recogniseEntities(text: string): Omit<Entities, 'incidentId'> {
  const norm = normalise(text);
  const types = TYPES.filter(([, p]) => p.test(norm)).map(([t]) => t);
  const levels = LEVELS.filter(([, p]) => p.test(norm)).map(([l]) => l);
  const competencies = competenciesIn(norm);
  const entities: Omit<Entities, 'incidentId'> = {};
  if (types.length || levels.length || competencies.length)
    entities.benefit = { types, levels, competencies };
  if (FOLLOW_UP.test(norm) || ZERO_PRONOUN.test(norm)) entities.followUp = true;
  if (OPEN_ONLY.test(norm)) entities.incidentScope = 'open';
  const incidentKind = incidentKindOf(norm, types);
  if (incidentKind) entities.incidentKind = incidentKind;
  return entities;
}
