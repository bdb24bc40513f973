/**
 * One step before understanding (intents, and anything else that reads what people typed):
 * Traditional characters to Simplified, Taiwan and Hong Kong words to the mainland ones,
 * misspelt key words corrected, everyday synonyms mapped onto the lexicon's words, and, in a
 * long message, the sentence that asks picked out. Pure: the same text and locale give the same
 * result, and the classifier's training phrasings go through it too.
 */
import { Converter } from 'opencc-js';
import { chineseVariantOf, type ChineseVariant } from '../language';
import {
  EN_SYNONYMS,
  EN_SYNONYMS_NOT_ABOUT_ALERTS,
  KEY_WORDS,
  KNOWN_NEIGHBOURS,
  PINYIN_SLIPS,
  ZH_ALERTS,
  ZH_REWRITES,
  ZH_SYNONYMS_NOT_ABOUT_ALERTS,
} from './everydayWords';
import { regexRuns } from './regexRuns';

export interface Normalised {
  /** The whole message, normalised. */
  text: string;
  /** The sentence that asks (with the one before it when it leans on it); the whole text when short. */
  question: string;
}

// Built once at import (about 25 ms for both) and never changed: converters are pure functions.
// The way back (Simplified to Traditional, for answers) costs 110-160 ms each and is built lazily
// by the app that needs it (bot/traditionalReplies.ts).
const TO_SIMPLIFIED = {
  tw: Converter({ from: 'twp', to: 'cn' }), // Taiwan phrases too: 軟體 → 软件, 啟用 → 激活
  hk: Converter({ from: 'hk', to: 'cn' }),
} as const;

const CJK = /[\u3400-\u9fff]/;
const ABOUT_ALERTS = /alert|notif|remind|提醒|通知/;
const KNOWN = new Set([...KEY_WORDS, ...KNOWN_NEIGHBOURS]);
/** Key words by first letter: a misspelling keeps its first letter. */
const KEY_WORDS_BY_LETTER = new Map<string, string[]>();
for (const key of KEY_WORDS)
  KEY_WORDS_BY_LETTER.set(key[0], [...(KEY_WORDS_BY_LETTER.get(key[0]) ?? []), key]);
const SLIP = new RegExp([...PINYIN_SLIPS.keys()].join('|'), 'g');

type Rewrite = readonly [RegExp, string];

/**
 * Rewrites applied in order, as `t = t.replace(pattern, replacement)` for each; a run of them
 * none of which matches leaves the text as it is, so it is skipped (regexRuns.ts). Same result.
 */
function rewriter(rewrites: readonly Rewrite[]): (text: string) => string {
  const runs = regexRuns(rewrites, ([pattern]) => pattern);
  return (text) => {
    let t = text;
    for (const { anyMatch, items } of runs)
      if (anyMatch.test(t)) for (const [pattern, replacement] of items) t = t.replace(pattern, replacement);
    return t;
  };
}

const REWRITE_EN = rewriter(EN_SYNONYMS);
const REWRITE_EN_NOT_ABOUT_ALERTS = rewriter(EN_SYNONYMS_NOT_ABOUT_ALERTS);
const REWRITE_ZH = rewriter(ZH_REWRITES);
const REWRITE_ZH_ALERTS = rewriter(ZH_ALERTS);
const REWRITE_ZH_NOT_ABOUT_ALERTS = rewriter(ZH_SYNONYMS_NOT_ABOUT_ALERTS);

/**
 * Longer than this, a message is searched for its question. A Chinese character counts as three:
 * Chinese says in 50 characters what English says in 160.
 */
const LONG = 160;
/** The text's length with Chinese characters (U+3400 to U+9FFF) counted three times. */
function weight(t: string): number {
  let cjk = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x3400 && c <= 0x9fff) cjk++;
  }
  return t.length + 2 * cjk;
}

export function normalise(text: string, locale?: string): Normalised {
  let t = text.normalize('NFKC').toLowerCase().trim();
  const aboutAlerts = ABOUT_ALERTS.test(t);
  if (CJK.test(t)) t = chinese(t, chineseVariantOf(locale) ?? 'tw', aboutAlerts);
  t = correctWords(t);
  t = REWRITE_EN(t);
  if (!aboutAlerts) t = REWRITE_EN_NOT_ABOUT_ALERTS(t);
  return { text: t, question: weight(t) > LONG ? questionOf(t) : t };
}

function chinese(text: string, variant: ChineseVariant, aboutAlerts: boolean): string {
  // Converting Simplified text is a no-op (tested on the whole corpus), so the locale only picks
  // which Traditional variant to expect; someone on zh-CN who types Traditional is understood too.
  let t = TO_SIMPLIFIED[variant](text);
  t = t.replace(SLIP, (slip) => PINYIN_SLIPS.get(slip) ?? slip);
  t = REWRITE_ZH(t);
  return aboutAlerts ? REWRITE_ZH_ALERTS(t) : REWRITE_ZH_NOT_ABOUT_ALERTS(t);
}

/** At most `chars` characters (CJK has no spaces) and `words` words, leading and trailing space aside. */
export function isShort(text: string, chars: number, words: number): boolean {
  const t = text.trim();
  return t.length <= chars && t.split(/\s+/).length <= words;
}

/** The most edits a misspelling of a word this long may have: one, two from eight letters. */
export function editLimit(length: number): number {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

const isLatin = (c: number) => c >= 0x61 && c <= 0x7a; // a-z

/**
 * Every run of a-z letters through correctSpelling, as `t.replace(/[a-z]+/g, correctSpelling)`
 * does, without a callback per word: most messages have no typo, and then the text is returned.
 */
function correctWords(t: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < t.length; ) {
    if (!isLatin(t.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < t.length && isLatin(t.charCodeAt(end))) end++;
    if (editLimit(end - i) > 0) {
      const word = t.slice(i, end);
      const corrected = correctSpelling(word);
      if (corrected !== word) {
        out += t.slice(copied, i) + corrected;
        copied = end;
      }
    }
    i = end;
  }
  return copied === 0 ? t : out + t.slice(copied);
}

/**
 * A word that is neither a key word nor a real word close to one becomes the nearest key word
 * with the same first letter, within editLimit; ties keep the word's length, else the word.
 */
function correctSpelling(word: string): string {
  const limit = editLimit(word.length);
  if (limit === 0 || KNOWN.has(word)) return word;
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const key of KEY_WORDS_BY_LETTER.get(word[0]) ?? []) {
    if (Math.abs(key.length - word.length) > limit) continue;
    const d = editDistance(word, key, limit);
    if (d > limit) continue;
    const tieWithSameLength =
      d === bestDistance && key.length === word.length && best?.length !== word.length;
    if (d < bestDistance || tieWithSameLength) {
      best = key;
      bestDistance = d;
    }
  }
  return best ?? word;
}

/**
 * Optimal string alignment distance (a swap of two neighbouring letters is one edit), cut short:
 * anything above `max` is returned as max + 1.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (max <= 1) return Math.min(atMostOneEdit(a, b), max + 1);
  // Three rows reused in turn, not a new array per row (this runs for most words of every
  // message): the one before the previous (for swaps), the previous, and the one being filled.
  let prev2: number[] = [];
  let prev: number[] = [];
  let row: number[] = [];
  for (let j = 0; j <= b.length; j++) {
    prev2.push(0);
    prev.push(j);
    row.push(0);
  }
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = prev[j - 1] + (ai === bj ? 0 : 1);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (row[j - 1] + 1 < d) d = row[j - 1] + 1;
      // A swap of two neighbouring letters is one edit.
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj && prev2[j - 2] + 1 < d)
        d = prev2[j - 2] + 1;
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const done = prev2;
    prev2 = prev;
    prev = row;
    row = done;
  }
  return Math.min(prev[b.length], max + 1);
}

/**
 * editDistance up to one edit, without the table (most words checked are 4 to 7 letters, allowed
 * one edit): 0 when equal, 1 when one substitution, insertion, deletion or swap of neighbouring
 * letters makes b of a, else 2. The lengths differ by at most one.
 */
function atMostOneEdit(a: string, b: string): number {
  if (a === b) return 0;
  // a and b first differ at i: what follows must line up after one edit there.
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (a.length === b.length) {
    if (sameTails(a, i + 1, b, i + 1)) return 1; // a substitution
    const swapped = a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i);
    return swapped && sameTails(a, i + 2, b, i + 2) ? 1 : 2;
  }
  // An insertion or a deletion.
  return (a.length > b.length ? sameTails(a, i + 1, b, i) : sameTails(a, i, b, i + 1)) ? 1 : 2;
}

/** Whether a from index i on and b from index j on are the same text. */
function sameTails(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}

const SENTENCE = /[^.!?。！？;；\n]+[.!?。！？;；\n]*/g;
const ASKS =
  /[?？]\s*$|^\s*(how|what|whats|when|where|which|who|why|can|could|would|will|do|does|did|is|are|has|have|should|please|pls|i need|i want|we need|we want|lets|let us|show|list|open|close|activate|tell)\b|吗|呢|么|多少|几|怎|如何|哪|什么|谁|请|帮我|我想|我要|能否|是否|可否/;

/**
 * The sentence that asks: the last one that is a question or a request. A short one ("How long
 * does it take?") leans on the sentence before it, which comes along.
 */
export function questionOf(text: string): string {
  const sentences = (text.match(SENTENCE) ?? [])
    .map((s) => s.trim())
    .filter((s) => /[a-z0-9\u3400-\u9fff]/.test(s));
  if (sentences.length < 2) return text;
  let i = sentences.length - 1;
  while (i > 0 && !ASKS.test(sentences[i])) i--;
  if (!ASKS.test(sentences[i])) i = sentences.length - 1;
  const short = sentences[i].split(/\s+/).length < 5 && !CJK.test(sentences[i]);
  return (short && i > 0 ? `${sentences[i - 1]} ${sentences[i]}` : sentences[i]).trim();
}
