/**
 * A small trained intent model that runs in process: TF-IDF vectors over word, stem,
 * character and CJK n-gram features, scored against each intent's nearest training example
 * and its centroid. Character n-grams make typos and Chinese work without a tokenizer.
 * Low similarity, or a win by the out-of-domain class, gives `none` (the fallback) rather
 * than a confident wrong answer.
 */
import type { Language } from '../../services/domain/facts';
import { languageOf } from '../language';
import { TRAINING_SET, type Example } from './corpus';
import type { Intent } from './intents';
import { recogniseEntities, type Entities } from './entities';
import {
  CONCEPTS,
  DOMAIN_CONCEPTS,
  DOMAIN_WITH_FOLLOW_UP,
  NOT_ON_TOPIC_WITH,
  REQUIRES,
  RULED_OUT_BY,
  STOPWORDS,
  WEAK_DOMAIN_CONCEPTS,
} from './lexicon';
import { isShort, normalise } from './normalise';
import { regexRuns } from './regexRuns';

export interface Understood {
  intent: Intent;
  /** 0..1: the winning intent's similarity score. */
  score: number;
  /** The language to answer in. */
  language: Language;
  entities: Entities;
}

type Vector = Map<string, number>;

const INCIDENT_ID = /\binc-[a-z0-9]{4,12}\b/i;
const CJK = /[\u3400-\u9fff]/;
const CJK_RUN = /[\u3400-\u9fff]+/g;
/** Intents that need no domain word, each with the lexicon concept it needs instead. */
const CONVERSATIONAL: Partial<Record<Intent, string>> = {
  help: 'help',
  cancel: 'cancel',
  greeting: 'greet',
  thanks: 'thanks',
};
/** A hello or thanks opening a message, with its punctuation (normalised text: lower case, ASCII commas). */
const OPENER_WORD =
  '(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks?|thank (?:you|u)|thx|ty|cheers|ok(?:ay)?|great|perfect|你好|您好|嗨|谢谢|多谢|感谢|好的)(?: (?:bot|there|so much|a lot|again|mate))?';
const SOCIAL_OPENER = new RegExp(`^(?:${OPENER_WORD}\\s*)*${OPENER_WORD}\\s*[,.!;:?，。！；：？]+\\s*`);
const NOTHING: { intent: Intent; score: number } = { intent: 'none', score: 0 };
/** Only approving emoji (thumbs up, ok hand, thanks, smiles, a tick, a heart), with skin tones and spaces. */
const APPROVING_EMOJI =
  /^(?:\s|\u{1F44D}|\u{1F44C}|\u{1F64F}|\u{1F642}|\u{1F60A}|\u{1F600}|\u{1F603}|\u{1F604}|\u{1F601}|\u{1F389}|\u{2705}|\u{2714}|\u{2764}|\u{1F4AF}|\u{1F44F}|\u{1F91D}|[\u{1F3FB}-\u{1F3FF}]|\u{FE0F}|\u{200D})+$/u;
/** At most this long, a message can be a thanks or an "ok" (in characters; CJK has no spaces). */
const SHORT_CHARS = 60;
const SHORT_WORDS = 10;
/** Below this similarity nothing was understood. */
const MIN_SCORE = 0.28;

/** Already normalised text (normalise.ts) to the tokens features are made of. */
function tokenText(text: string): string {
  return text
    .replace(INCIDENT_ID, ' incidentref ')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9\u3400-\u9fff-]+/g, ' ')
    .trim();
}

function stem(word: string): string {
  return word.replace(/(ing|ed|es|s)$/, '').slice(0, 7);
}

/**
 * The kinds of feature, each with the prefix its training keys carry (`w:word`, `c:#in`, ...).
 * Messages are looked up by kind and key, so no prefixed string is built per message.
 */
const CONCEPT = 0;
const WORD = 1;
const STEM = 2;
const TRIGRAM = 3;
const BIGRAM = 4;
const CJK_CHAR = 5;
const CJK_PAIR = 6;
const CJK_TRIPLE = 7;
const PREFIXES = ['k', 'w', 's', 'c', 'b', 'z', 'zz', 'zzz'] as const;

/**
 * A trigram of a padded Latin word as one number, so none is cut out as a string per message.
 * Latin words hold only a-z, 0-9 and '-' (tokenText), padded with '#': every code is below 256.
 */
const trigram = (a: number, b: number, c: number) => (a << 16) | (b << 8) | c;
const trigramText = (t: number) => String.fromCharCode(t >> 16, (t >> 8) & 255, t & 255);
const PAD = '#'.charCodeAt(0);

/** The lexicon's concepts in runs tested together first: most messages have only a few of them. */
const CONCEPT_RUNS = regexRuns(CONCEPTS, ([, pattern]) => pattern);

/** A feature's key within its kind: text, or for TRIGRAM a number (trigram()). */
type FeatureKey = string | number;
type FeatureSink = (kind: number, key: FeatureKey, weight: number) => void;

/**
 * Every feature of a text, in order, to `add` (the same feature may come more than once; its
 * weights add up). The one definition of the features: training and messages both use it.
 */
function eachFeature(text: string, add: FeatureSink): void {
  const norm = tokenText(text);
  for (const { anyMatch, items } of CONCEPT_RUNS)
    if (anyMatch.test(norm))
      for (const [concept, pattern, weight = 2] of items)
        if (pattern.test(norm)) add(CONCEPT, concept, weight);
  const latin = norm
    .replace(CJK_RUN, ' ')
    .split(/\s+/)
    .filter((w) => w && !STOPWORDS.has(w));
  for (let i = 0; i < latin.length; i++) {
    const word = latin[i];
    add(WORD, word, 1);
    add(STEM, stem(word), 0.7);
    // `#${word}#` three characters at a time.
    let a = PAD;
    let b = word.charCodeAt(0);
    for (let n = 1; n <= word.length; n++) {
      const c = n < word.length ? word.charCodeAt(n) : PAD;
      add(TRIGRAM, trigram(a, b, c), 0.25);
      a = b;
      b = c;
    }
    if (i > 0) add(BIGRAM, `${latin[i - 1]} ${word}`, 0.8);
  }
  for (const run of norm.match(CJK_RUN) ?? []) {
    for (let n = 0; n < run.length; n++) {
      add(CJK_CHAR, run[n], 0.5);
      if (n + 2 <= run.length) add(CJK_PAIR, run.slice(n, n + 2), 1);
      if (n + 3 <= run.length) add(CJK_TRIPLE, run.slice(n, n + 3), 0.8);
    }
  }
}

/** A training phrasing's features by key (`k:concept`, `w:word`, ...), in first-seen order. */
function features(text: string): Map<string, number> {
  const f = new Map<string, number>();
  eachFeature(text, (kind, key, weight) => {
    const k = `${PREFIXES[kind]}:${kind === TRIGRAM ? trigramText(key as number) : key}`;
    f.set(k, (f.get(k) ?? 0) + weight);
  });
  return f;
}

function normalize(v: Vector): Vector {
  let sum = 0;
  for (const x of v.values()) sum += x * x;
  const len = Math.sqrt(sum) || 1;
  for (const [k, x] of v) v.set(k, x / len);
  return v;
}

/** The answer language: the Teams locale, unless the message is plainly written in the other language. */
export function answerLanguage(text: string, locale: string | undefined): Language {
  const fromLocale = languageOf(locale);
  if (CJK.test(text)) return 'zh';
  if (fromLocale !== 'zh') return fromLocale;
  const words = text.split(/\s+/).filter((w) => /[a-z]{2,}/i.test(w));
  return words.length >= 3 ? 'en' : fromLocale;
}

export class IntentClassifier {
  private readonly centroidIntents: Intent[];
  /**
   * Training examples are numbered by intent: intent i's are exampleStart[i] up to, not including,
   * exampleStart[i + 1]. Centroid i is number examples + i in the same index and scores.
   */
  private readonly exampleStart: Int32Array;
  /** The training features, numbered: by kind (PREFIXES), each key without its prefix → number. */
  private readonly featureIds: Map<FeatureKey, number>[];
  private readonly idf: Float64Array;
  /** Inverted index (feature → which examples and centroids have it, with weight): a message is scored only against what it shares. */
  private readonly postings: Postings;
  /** Concept names (CONCEPTS) → slot in `present`; one more slot for names no concept has. */
  private readonly conceptSlot: Map<string, number>;
  /** For each feature number, its concept's slot when it is a concept, else -1. */
  private readonly conceptOfFeature: Int32Array;
  /** Per concept slot: 0 not a domain concept, 1 a domain concept, 2 a weak one (lexicon.ts). */
  private readonly domain: Uint8Array;
  /** RULED_OUT_BY as [intent index, concept slot, unless slot or -1] triples (intents without examples left out). */
  private readonly ruledOutBy: Int32Array;
  /** REQUIRES: intent index and the concept slots of which it needs one. */
  private readonly requires: { intent: number; concepts: Int32Array }[];
  private readonly notOnTopicWith: { concept: number; unless: number; concepts: Int32Array }[];
  /** Per intent index: the concept slot a conversational intent needs (CONVERSATIONAL), else -1. */
  private readonly ownWord: Int32Array;
  private readonly membershipLevel: number;
  private readonly followUp: number;
  private readonly itExpires: number;
  private readonly domainWithFollowUp: Int32Array;

  /*
   * Scratch space for scoring one message, reused so scoring allocates almost nothing. Safe
   * because score() is synchronous and runs to the end before anything else can call it, and
   * each call resets what it uses first. Per classifier, never shared between instances.
   */
  /** Term weights by feature number, and the features the message has, in first-seen order. */
  private readonly tf: Float64Array;
  private readonly seen: Uint8Array;
  private readonly order: Int32Array;
  private featureCount = 0;
  /** The message's vector: feature numbers and values, in the same order. */
  private readonly vectorIds: Int32Array;
  private readonly vectorValues: Float64Array;
  private readonly present: Uint8Array;
  private readonly notEvidence: Uint8Array;
  /** Similarity to each example, then to each centroid (numbered as in `postings`). */
  private readonly scores: Float64Array;
  private readonly ruledOut: Uint8Array;

  constructor(training: readonly Example[]) {
    // Training phrasings go through the same normalisation as messages.
    const docs = training.map((e) => ({ intent: e.intent, f: features(normalise(e.text).text) }));
    const df = new Map<string, number>();
    for (const d of docs) for (const k of d.f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    const idf = new Map([...df].map(([k, n]) => [k, Math.log((1 + docs.length) / (1 + n)) + 1]));
    const examples = docs.map((d) => ({ intent: d.intent, vector: vectorise(d.f, idf) }));
    const sums = new Map<Intent, Vector>();
    for (const e of examples) {
      const sum = sums.get(e.intent) ?? new Map<string, number>();
      for (const [k, x] of e.vector) sum.set(k, (sum.get(k) ?? 0) + x);
      sums.set(e.intent, sum);
    }
    const centroids = new Map([...sums].map(([intent, v]) => [intent, normalize(v)]));
    this.centroidIntents = [...centroids.keys()];
    const byIntent = this.centroidIntents.map((intent) => examples.filter((e) => e.intent === intent));
    this.exampleStart = new Int32Array(byIntent.length + 1);
    byIntent.forEach((list, i) => (this.exampleStart[i + 1] = this.exampleStart[i] + list.length));

    const ids = new Map([...idf.keys()].map((k, i) => [k, i]));
    this.featureIds = PREFIXES.map(() => new Map<FeatureKey, number>());
    for (const [k, i] of ids) {
      const colon = k.indexOf(':');
      const kind = PREFIXES.indexOf(k.slice(0, colon) as (typeof PREFIXES)[number]);
      const key = k.slice(colon + 1);
      this.featureIds[kind].set(
        kind === TRIGRAM ? trigram(key.charCodeAt(0), key.charCodeAt(1), key.charCodeAt(2)) : key,
        i,
      );
    }
    this.idf = Float64Array.from(idf.values());
    this.postings = postings(
      [
        ...byIntent.flat().map((e) => e.vector),
        ...this.centroidIntents.map((intent) => centroids.get(intent)!),
      ],
      ids,
    );

    const names = [...new Set(CONCEPTS.map(([concept]) => concept))];
    this.conceptSlot = new Map(names.map((c, i) => [c, i]));
    // A name no concept has gets the last slot, which is never set: that concept is never present.
    const slot = (c: string) => this.conceptSlot.get(c) ?? names.length;
    const slots = (cs: readonly string[]) => Int32Array.from(cs, slot);
    this.conceptOfFeature = new Int32Array(ids.size).fill(-1);
    for (const c of names) {
      const i = this.featureIds[CONCEPT].get(c);
      if (i !== undefined) this.conceptOfFeature[i] = slot(c);
    }
    this.domain = Uint8Array.from(names, (c) =>
      !DOMAIN_CONCEPTS.has(c) ? 0 : WEAK_DOMAIN_CONCEPTS.has(c) ? 2 : 1,
    );
    const intentIndex = (intent: Intent) => this.centroidIntents.indexOf(intent);
    this.ruledOutBy = Int32Array.from(
      RULED_OUT_BY.filter(([intent]) => intentIndex(intent) >= 0).flatMap(([intent, concept, unless]) => [
        intentIndex(intent),
        slot(concept),
        unless ? slot(unless) : -1,
      ]),
    );
    this.requires = REQUIRES.filter(([intent]) => intentIndex(intent) >= 0).map(([intent, concepts]) => ({
      intent: intentIndex(intent),
      concepts: slots(concepts),
    }));
    this.notOnTopicWith = NOT_ON_TOPIC_WITH.map(([concept, unless, concepts]) => ({
      concept: slot(concept),
      unless: slot(unless),
      concepts: slots(concepts),
    }));
    this.ownWord = Int32Array.from(this.centroidIntents, (intent) => {
      const word = CONVERSATIONAL[intent];
      return word === undefined ? -1 : slot(word);
    });
    this.membershipLevel = slot('membershipLevel');
    this.followUp = slot('followUp');
    this.itExpires = slot('itExpires');
    this.domainWithFollowUp = slots(DOMAIN_WITH_FOLLOW_UP);

    this.tf = new Float64Array(ids.size);
    this.seen = new Uint8Array(ids.size);
    this.order = new Int32Array(ids.size);
    this.vectorIds = new Int32Array(ids.size);
    this.vectorValues = new Float64Array(ids.size);
    this.present = new Uint8Array(names.length + 1);
    this.notEvidence = new Uint8Array(names.length + 1);
    this.scores = new Float64Array(examples.length + this.centroidIntents.length);
    this.ruledOut = new Uint8Array(this.centroidIntents.length);
  }

  classify(text: string, locale?: string): Understood {
    const language = answerLanguage(text, locale);
    // A thumbs up or a smile alone: an "ok", with no words to read.
    if (APPROVING_EMOJI.test(text)) return { intent: 'thanks', score: 1, language, entities: {} };
    const incidentId = INCIDENT_ID.exec(text)?.[0].toUpperCase();
    const normalised = normalise(text, locale);
    // Named offers and benefits are looked for in the whole message, in Simplified script and
    // with typos and everyday words mended, as the intent is.
    const recognised = recogniseEntities(normalised.text);
    const entities: Entities = incidentId ? { incidentId, ...recognised } : recognised;
    // A long message is read for its question first, and whole only when that says nothing.
    // A benefit type or competency named is a sign of the subject; "gold" alone may be a medal.
    const b = entities.benefit;
    const named =
      b !== undefined && (b.types.length > 0 || b.competencies.length > 0 || b.levels.includes('actionPack'));
    // "Thanks, now open a case", "hi, when does it expire?": what follows the hello or thanks is
    // the message; the greeting or thanks alone only when nothing after it is understood.
    const request = normalised.question.replace(SOCIAL_OPENER, '');
    let best = request && request !== normalised.question ? this.score(request, named) : NOTHING;
    if (best.intent === 'none') best = this.score(normalised.question, named);
    if (best.intent === 'none' && normalised.question !== normalised.text)
      best = this.score(normalised.text, named);
    // "Ok", "thanks!", "bye": short. A long story with "perfect" or "great" in it is not thanks.
    if (best.intent === 'thanks' && !isShort(normalised.text, SHORT_CHARS, SHORT_WORDS))
      best = { intent: 'none', score: best.score };
    return { intent: best.intent, score: best.score, language, entities };
  }

  /** One of the message's features (eachFeature), added to the scratch term weights; unseen ones carry no evidence. */
  private readonly addFeature: FeatureSink = (kind, key, weight) => {
    if (kind === CONCEPT) this.present[this.conceptSlot.get(key as string)!] = 1;
    const id = this.featureIds[kind].get(key);
    if (id === undefined) return;
    if (this.seen[id] === 0) {
      this.seen[id] = 1;
      this.order[this.featureCount++] = id;
    }
    this.tf[id] += weight;
  };

  /**
   * The message's TF-IDF vector into vectorIds/vectorValues (as `vectorise` makes it for training,
   * term by term in the same order, so the same figures); returns its length in features.
   */
  private vectoriseMessage(text: string): number {
    for (let i = 0; i < this.featureCount; i++) {
      this.tf[this.order[i]] = 0;
      this.seen[this.order[i]] = 0;
    }
    this.featureCount = 0;
    this.present.fill(0);
    eachFeature(text, this.addFeature);
    let size = 0;
    let sum = 0;
    for (let i = 0; i < this.featureCount; i++) {
      const id = this.order[i];
      const tf = this.tf[id];
      // Weight-0 concepts only rule intents out.
      if (!(tf > 0)) continue;
      const x = (1 + Math.log(tf)) * this.idf[id];
      this.vectorIds[size] = id;
      this.vectorValues[size++] = x;
      sum += x * x;
    }
    const len = Math.sqrt(sum) || 1;
    for (let i = 0; i < size; i++) this.vectorValues[i] = this.vectorValues[i] / len;
    return size;
  }

  private score(text: string, named = false): { intent: Intent; score: number } {
    const size = this.vectoriseMessage(text);
    if (size === 0) return { intent: 'none', score: 0 };
    const { scores, ruledOut, present, exampleStart } = this;
    const { start, ids, weights } = this.postings;
    scores.fill(0);
    // Feature by feature in the message's order, so each sum adds up in the same order as a dot product would.
    for (let i = 0; i < size; i++) {
      const feature = this.vectorIds[i];
      const x = this.vectorValues[i];
      const end = start[feature + 1];
      for (let j = start[feature]; j < end; j++) scores[ids[j]] += x * weights[j];
    }
    ruledOut.fill(0);
    const rules = this.ruledOutBy;
    for (let r = 0; r < rules.length; r += 3) {
      const unless = rules[r + 2];
      if (present[rules[r + 1]] && !(unless >= 0 && present[unless])) ruledOut[rules[r]] = 1;
    }
    for (const { intent, concepts } of this.requires) if (!this.anyPresent(concepts)) ruledOut[intent] = 1;
    let best = -1;
    let bestScore = 0;
    const intents = this.centroidIntents.length;
    const centroid = exampleStart[intents];
    for (let i = 0; i < intents; i++) {
      if (ruledOut[i]) continue;
      // The intent's nearest training example.
      let nearest = 0;
      for (let e = exampleStart[i]; e < exampleStart[i + 1]; e++)
        if (scores[e] > nearest) nearest = scores[e];
      const score = 0.65 * nearest + 0.35 * scores[centroid + i];
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    if (best < 0 || bestScore < MIN_SCORE) return { intent: 'none', score: bestScore };
    const ownWord = this.ownWord[best];
    // "recommend a good book" is not a greeting: small talk needs its own word, not just alike n-grams.
    if (ownWord >= 0 && !present[ownWord]) return { intent: 'none', score: bestScore };
    const conversational = ownWord >= 0;
    const { notEvidence, domain } = this;
    notEvidence.fill(0);
    for (const rule of this.notOnTopicWith)
      if (present[rule.concept] && !present[rule.unless]) for (const c of rule.concepts) notEvidence[c] = 1;
    let evidence = 0;
    let weak = 0;
    for (let i = 0; i < size; i++) {
      const c = this.conceptOfFeature[this.vectorIds[i]];
      if (c < 0 || domain[c] === 0 || notEvidence[c]) continue;
      evidence++;
      if (domain[c] === 2) weak++;
    }
    const onTopic =
      evidence > weak ||
      weak >= 2 ||
      (weak === 1 && (named || present[this.membershipLevel] === 1)) ||
      ((present[this.followUp] === 1 || named) && this.anyPresent(this.domainWithFollowUp)) ||
      present[this.itExpires] === 1;
    if (!conversational && !onTopic) return { intent: 'none', score: bestScore };
    return { intent: this.centroidIntents[best], score: Math.min(1, bestScore) };
  }

  private anyPresent(concepts: Int32Array): boolean {
    for (let i = 0; i < concepts.length; i++) if (this.present[concepts[i]]) return true;
    return false;
  }
}

/** Training vectors: TF-IDF, normalised. Unseen features carry no evidence; weight-0 concepts only rule intents out. */
function vectorise(f: Map<string, number>, idf: ReadonlyMap<string, number>): Vector {
  const v: Vector = new Map();
  for (const [k, tf] of f) {
    const w = idf.get(k);
    if (w !== undefined && tf > 0) v.set(k, (1 + Math.log(tf)) * w);
  }
  return normalize(v);
}

/**
 * An inverted index in one piece (scoring walks thousands of entries per message): feature f's
 * entries are ids/weights[start[f]] up to, not including, start[f + 1].
 */
interface Postings {
  start: Int32Array;
  ids: Int32Array;
  weights: Float64Array;
}

function postings(vectors: readonly Vector[], featureIds: ReadonlyMap<string, number>): Postings {
  const start = new Int32Array(featureIds.size + 1);
  for (const vector of vectors) for (const k of vector.keys()) start[featureIds.get(k)! + 1]++;
  for (let f = 0; f < featureIds.size; f++) start[f + 1] += start[f];
  const next = start.slice(0, featureIds.size);
  const ids = new Int32Array(start[featureIds.size]);
  const weights = new Float64Array(start[featureIds.size]);
  vectors.forEach((vector, i) => {
    for (const [k, w] of vector) {
      const at = next[featureIds.get(k)!]++;
      ids[at] = i;
      weights[at] = w;
    }
  });
  return { start, ids, weights };
}

/** Trains on the corpus's training split (never the held-out part). */
export function createClassifier(training: readonly Example[] = TRAINING_SET): IntentClassifier {
  return new IntentClassifier(training);
}
