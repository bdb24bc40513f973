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
import { normalise } from './normalise';

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
const CONVERSATIONAL: Partial<Record<Intent, string>> = { help: 'help', cancel: 'cancel', greeting: 'greet' };
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

function features(text: string): Map<string, number> {
  const f = new Map<string, number>();
  const add = (key: string, weight: number) => f.set(key, (f.get(key) ?? 0) + weight);
  const norm = tokenText(text);
  for (const [concept, pattern, weight = 2] of CONCEPTS) if (pattern.test(norm)) add(`k:${concept}`, weight);
  const latin = norm
    .replace(CJK_RUN, ' ')
    .split(/\s+/)
    .filter((w) => w && !STOPWORDS.has(w));
  latin.forEach((word, i) => {
    add(`w:${word}`, 1);
    add(`s:${stem(word)}`, 0.7);
    const padded = `#${word}#`;
    for (let n = 0; n + 3 <= padded.length; n++) add(`c:${padded.slice(n, n + 3)}`, 0.25);
    if (i > 0) add(`b:${latin[i - 1]} ${word}`, 0.8);
  });
  for (const run of norm.match(CJK_RUN) ?? []) {
    for (let n = 0; n < run.length; n++) {
      add(`z:${run[n]}`, 0.5);
      if (n + 2 <= run.length) add(`zz:${run.slice(n, n + 2)}`, 1);
      if (n + 3 <= run.length) add(`zzz:${run.slice(n, n + 3)}`, 0.8);
    }
  }
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
  const words = text.split(/\s+/).filter((w) => /[a-z]{2,}/i.test(w));
  return fromLocale === 'zh' && words.length >= 3 ? 'en' : fromLocale;
}

export class IntentClassifier {
  private readonly idf: Map<string, number>;
  private readonly examples: { intent: Intent; vector: Vector }[];
  private readonly centroids: Map<Intent, Vector>;
  /** Inverted indexes (feature → who has it, with weight): a message is scored only against what it shares. */
  private readonly examplePostings = new Map<string, Postings>();
  private readonly centroidPostings = new Map<string, Postings>();
  private readonly centroidIntents: Intent[];
  /** For each training example, the index of its intent in centroidIntents. */
  private readonly exampleIntent: Int32Array;

  constructor(training: readonly Example[]) {
    // Training phrasings go through the same normalisation as messages.
    const docs = training.map((e) => ({ intent: e.intent, f: features(normalise(e.text).text) }));
    const df = new Map<string, number>();
    for (const d of docs) for (const k of d.f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    this.idf = new Map([...df].map(([k, n]) => [k, Math.log((1 + docs.length) / (1 + n)) + 1]));
    this.examples = docs.map((d) => ({ intent: d.intent, vector: this.vectorise(d.f) }));
    const sums = new Map<Intent, Vector>();
    for (const e of this.examples) {
      const sum = sums.get(e.intent) ?? new Map<string, number>();
      for (const [k, x] of e.vector) sum.set(k, (sum.get(k) ?? 0) + x);
      sums.set(e.intent, sum);
    }
    this.centroids = new Map([...sums].map(([intent, v]) => [intent, normalize(v)]));
    this.centroidIntents = [...this.centroids.keys()];
    this.exampleIntent = Int32Array.from(this.examples, (e) => this.centroidIntents.indexOf(e.intent));
    postings(
      this.examples.map((e) => e.vector),
      this.examplePostings,
    );
    postings(
      this.centroidIntents.map((intent) => this.centroids.get(intent)!),
      this.centroidPostings,
    );
  }

  private vectorise(f: Map<string, number>): Vector {
    const v: Vector = new Map();
    for (const [k, tf] of f) {
      const idf = this.idf.get(k);
      // Unseen features carry no evidence; weight-0 concepts only rule intents out.
      if (idf !== undefined && tf > 0) v.set(k, (1 + Math.log(tf)) * idf);
    }
    return normalize(v);
  }

  classify(text: string, locale?: string): Understood {
    const language = answerLanguage(text, locale);
    const incidentId = INCIDENT_ID.exec(text)?.[0].toUpperCase();
    const normalised = normalise(text, locale);
    // Named offers and benefits are looked for in the whole message, in Simplified script and
    // with typos and everyday words mended, as the intent is.
    const entities: Entities = {
      ...(incidentId ? { incidentId } : {}),
      ...recogniseEntities(normalised.text),
    };
    // A long message is read for its question first, and whole only when that says nothing.
    // A benefit type or competency named is a sign of the subject; "gold" alone may be a medal.
    const b = entities.benefit;
    const named =
      b !== undefined && (b.types.length > 0 || b.competencies.length > 0 || b.levels.includes('actionPack'));
    let best = this.score(normalised.question, named);
    if (best.intent === 'none' && normalised.question !== normalised.text)
      best = this.score(normalised.text, named);
    return { ...best, language, entities };
  }

  private score(text: string, named = false): { intent: Intent; score: number } {
    const f = features(text);
    const v = this.vectorise(f);
    if (v.size === 0) return { intent: 'none', score: 0 };
    const exampleScores = new Float64Array(this.examples.length);
    const centroidScores = new Float64Array(this.centroidIntents.length);
    for (const [k, x] of v) {
      accumulate(this.examplePostings.get(k), x, exampleScores);
      accumulate(this.centroidPostings.get(k), x, centroidScores);
    }
    // Each intent's nearest training example.
    const nearest = new Float64Array(this.centroidIntents.length);
    for (let i = 0; i < exampleScores.length; i++) {
      const intent = this.exampleIntent[i];
      if (exampleScores[i] > nearest[intent]) nearest[intent] = exampleScores[i];
    }
    const has = (concept: string) => f.has(`k:${concept}`);
    const ruledOut = new Set(
      RULED_OUT_BY.filter(([, concept, unless]) => has(concept) && !(unless && has(unless))).map(
        ([intent]) => intent,
      ),
    );
    for (const [intent, concepts] of REQUIRES) if (!concepts.some(has)) ruledOut.add(intent);
    let best: Intent = 'none';
    let bestScore = 0;
    for (const [i, intent] of this.centroidIntents.entries()) {
      if (ruledOut.has(intent)) continue;
      const score = 0.65 * nearest[i] + 0.35 * centroidScores[i];
      if (score > bestScore) [best, bestScore] = [intent, score];
    }
    if (bestScore < MIN_SCORE) return { intent: 'none', score: bestScore };
    const ownWord = CONVERSATIONAL[best];
    // "recommend a good book" is not a greeting: small talk needs its own word, not just alike n-grams.
    if (ownWord && !has(ownWord)) return { intent: 'none', score: bestScore };
    const conversational = ownWord !== undefined;
    const notEvidence = new Set(
      NOT_ON_TOPIC_WITH.filter(([concept, unless]) => has(concept) && !has(unless)).flatMap(([, , c]) => c),
    );
    const evidence = [...v.keys()]
      .filter((k) => k.startsWith('k:'))
      .map((k) => k.slice(2))
      .filter((c) => DOMAIN_CONCEPTS.has(c) && !notEvidence.has(c));
    const weak = evidence.filter((c) => WEAK_DOMAIN_CONCEPTS.has(c)).length;
    const onTopic =
      evidence.length > weak ||
      weak >= 2 ||
      (weak === 1 && (named || has('membershipLevel'))) ||
      ((has('followUp') || named) && DOMAIN_WITH_FOLLOW_UP.some(has)) ||
      has('itExpires');
    if (!conversational && !onTopic) return { intent: 'none', score: bestScore };
    return { intent: best, score: Math.min(1, bestScore) };
  }
}

/** One feature's entries in an inverted index, as parallel arrays (scoring walks thousands per message). */
interface Postings {
  ids: Int32Array;
  weights: Float64Array;
}

function postings(vectors: Vector[], index: Map<string, Postings>): void {
  const lists = new Map<string, [number, number][]>();
  vectors.forEach((vector, i) => {
    for (const [k, w] of vector) {
      const list = lists.get(k);
      if (list) list.push([i, w]);
      else lists.set(k, [[i, w]]);
    }
  });
  for (const [k, list] of lists) {
    index.set(k, {
      ids: Int32Array.from(list, ([i]) => i),
      weights: Float64Array.from(list, ([, w]) => w),
    });
  }
}

function accumulate(p: Postings | undefined, x: number, scores: Float64Array): void {
  if (!p) return;
  for (let j = 0; j < p.ids.length; j++) scores[p.ids[j]] += x * p.weights[j];
}

/** Trains on the corpus's training split (never the held-out part). */
export function createClassifier(training: readonly Example[] = TRAINING_SET): IntentClassifier {
  return new IntentClassifier(training);
}
