/**
 * Simplified → Traditional conversion with OpenCC's own configurations and dictionaries
 * (opencc-js's `s2twp` and `s2hk`), held in plain maps. opencc-js builds each dictionary into a
 * trie of Maps: one converter takes about 40 MB of heap (its phrase table twice, for segmenting
 * and for converting), which the bot's heap cap (npm start) cannot spare. Here both variants
 * together take about a quarter of that, with the same results (tests/chineseScript.test.ts
 * compares every Chinese text of the bot): normalise, cut the text into OpenCC's segments
 * (longest match), then convert each segment through each group of dictionaries in turn.
 */
import { Locale, type DictGroup, type DictLike } from 'opencc-js';
import type { ChineseVariant } from '../dialogs/language';

/** One group of dictionaries as one map, with the longest key (UTF-16 units) per first unit. */
interface Stage {
  readonly words: ReadonlyMap<string, string>;
  readonly longestFrom: ReadonlyMap<number, number>;
}

/** As opencc-js loads a group: the group's first dictionary wins; within one, the last entry. */
function stageOf(group: DictGroup): Stage {
  const words = new Map<string, string>();
  const longestFrom = new Map<number, number>();
  const add = (from: string, to: string) => {
    words.set(from, to);
    const first = from.charCodeAt(0);
    if (from.length > (longestFrom.get(first) ?? 0)) longestFrom.set(first, from.length);
  };
  for (const dictionary of [...group].reverse()) {
    if (typeof dictionary !== 'string') {
      for (const [from, to] of dictionary) add(from, to);
      continue;
    }
    // OpenCC's serialised form: "from to|from to|…"; of several candidates, the first.
    for (const entry of dictionary.split('|')) {
      const [from, to] = entry.split(' ');
      if (from && to !== undefined) add(from, to);
    }
  }
  return { words, longestFrom };
}

/** The longest key of `stage` at `i`, as [its length, its replacement]; undefined when none. */
function matchAt(stage: Stage, text: string, i: number): [number, string] | undefined {
  const longest = stage.longestFrom.get(text.charCodeAt(i));
  if (longest === undefined) return undefined;
  for (let length = Math.min(longest, text.length - i); length > 0; length--) {
    const replacement = stage.words.get(text.slice(i, i + length));
    if (replacement !== undefined) return [length, replacement];
  }
  return undefined;
}

function convertWith(stage: Stage, text: string): string {
  let out = '';
  let copiedTo = 0;
  for (let i = 0; i < text.length; ) {
    const match = matchAt(stage, text, i);
    if (!match) {
      i++;
      continue;
    }
    out += text.slice(copiedTo, i) + match[1];
    i += match[0];
    copiedTo = i;
  }
  return out + text.slice(copiedTo);
}

/** OpenCC's segments: each dictionary word on its own, each run between them as one. */
function segmentsOf(stage: Stage, text: string): string[] {
  const segments: string[] = [];
  let runFrom = 0;
  for (let i = 0; i < text.length; ) {
    const match = matchAt(stage, text, i);
    if (!match) {
      i++;
      continue;
    }
    if (runFrom < i) segments.push(text.slice(runFrom, i));
    segments.push(text.slice(i, i + match[0]));
    i += match[0];
    runFrom = i;
  }
  if (runFrom < text.length) segments.push(text.slice(runFrom));
  return segments;
}

interface Conversion {
  normalisation: readonly Stage[];
  segmentation: Stage;
  chain: readonly Stage[];
}

const CONFIG: Record<ChineseVariant, string> = { tw: 's2twp', hk: 's2hk' };

/** One per app, built on first use (about 0.1 s); groups the two variants share are built once. */
export class SimplifiedToTraditional {
  private readonly conversions: Readonly<Record<ChineseVariant, Conversion>>;

  constructor() {
    const built = new Map<string, Stage>();
    // Groups are compared by their dictionaries' contents (the same strings in both configurations).
    const stage = (group: DictGroup | DictLike) => {
      const dictionaries = (typeof group === 'string' ? [group] : group) as DictGroup;
      const key = dictionaries.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join('\u0000');
      let found = built.get(key);
      if (!found) built.set(key, (found = stageOf(dictionaries)));
      return found;
    };
    const conversion = (variant: ChineseVariant): Conversion => {
      const config = Locale.configs[CONFIG[variant]] as {
        segmentation: DictGroup | DictLike;
        conversionChain: readonly DictGroup[];
        normalizationChain?: readonly DictGroup[];
      };
      return {
        normalisation: (config.normalizationChain ?? []).map(stage),
        segmentation: stage(config.segmentation),
        chain: config.conversionChain.map(stage),
      };
    };
    this.conversions = { tw: conversion('tw'), hk: conversion('hk') };
  }

  convert(text: string, variant: ChineseVariant): string {
    const { normalisation, segmentation, chain } = this.conversions[variant];
    const normalised = normalisation.reduce((t, s) => convertWith(s, t), text);
    return segmentsOf(segmentation, normalised)
      .map((segment) => chain.reduce((t, s) => convertWith(s, t), segment))
      .join('');
  }
}
