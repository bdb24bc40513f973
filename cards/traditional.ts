/**
 * Answers in Traditional Chinese (issue 13): every wording is written once, in Simplified
 * characters, and converted for zh-TW and zh-HK readers at the point where a reply leaves
 * (bot/traditionalReplies.ts, and the alert sender). Taiwan gets Taiwan words too (软件 → 軟體,
 * 激活 → 啟用); Hong Kong gets Hong Kong characters.
 */
import { CustomConverter } from 'opencc-js';
import { deepFreeze } from '../services/domain/freeze';
import { LeastRecentlyUsed } from '../services/domain/leastRecentlyUsed';
import { SimplifiedToTraditional } from './chineseScript';
import type { ChineseVariant } from '../dialogs/language';

/** Where OpenCC's choice is wrong for this bot's texts (checked by tests/cards.test.ts on every card). */
const WORDING_FIXES: [string, string][] = [
  ['合作伙伴', '合作夥伴'], // Microsoft's own name: 合作夥伴中心
  ['全域性管理員', '全域管理員'], // Taiwan's phrase table makes 全局 "全域性"
  ['天后', '天後'], // "5 天后到期" is "in 5 days", not the goddess 天后
  ['訪問 ID', '存取 ID'], // Traditional Chinese calls them 存取 ID and 合約 ID, as people type them
  ['合同 ID', '合約 ID'],
];

const CJK = /[\u3400-\u9fff]/;
/** Card properties that are not shown, or are the person's own input: never converted. */
const NOT_SHOWN = new Set(['id', 'data', 'verb', 'url', 'userIds', 'value']);

/**
 * Converted texts kept: at most this many UTF-16 units of texts, their conversions and
 * ENTRY_UNITS each (2 bytes a unit: about 1 MB of heap), the least recently used out first.
 * Converting takes tens of µs for a line and most of a millisecond for a benefits card, and most
 * replies repeat: an organisation's people get the same summary, every card the same labels.
 */
const MAX_KEPT_UNITS = 512 * 1024;
/** A kept text's own cost besides its characters (the Map's slot, two string headers), in units. */
const ENTRY_UNITS = 40;
/** Longer texts (a person's long input echoed back) are converted every time: few repeat. */
const MAX_KEPT_TEXT = 8 * 1024;
/**
 * How deep into a frozen card its converted parts are kept: the card and its top-level parts.
 * A per-person copy of a shared card (benefitsCard's refresh) is a new object on every turn, but
 * its body and actions are the shared card's own, converted once.
 */
const KEPT_CARD_DEPTH = 2;
/**
 * Converted card parts kept, per variant, the least recently used out first. A kept part holds a
 * whole converted copy of a card's body (15–30 KB of heap): 48 per variant are at most about
 * 3 MB, beside npm start's 128 MB heap cap; a part not kept costs one walk over remembered texts.
 */
const MAX_KEPT_CARD_PARTS = 48;

/**
 * One per app (created in bot/app.ts). The dictionaries take about 40 ms and 5 MB to load, so they
 * are loaded on the first reply that needs them; converted texts and frozen (shared, cached)
 * cards are remembered with them.
 */
export class TraditionalChinese {
  private script: SimplifiedToTraditional | undefined;
  private readonly terms = CustomConverter(WORDING_FIXES);
  /** By original part. */
  private readonly convertedCards: Readonly<Record<ChineseVariant, LeastRecentlyUsed<object, unknown>>> = {
    tw: new LeastRecentlyUsed(MAX_KEPT_CARD_PARTS),
    hk: new LeastRecentlyUsed(MAX_KEPT_CARD_PARTS),
  };
  /** By variant and text ("tw" or "hk", then the text), costed in UTF-16 units. */
  private readonly convertedTexts = new LeastRecentlyUsed<string, string>(MAX_KEPT_UNITS);

  text(text: string, variant: ChineseVariant): string {
    if (!CJK.test(text)) return text;
    if (text.length > MAX_KEPT_TEXT) return this.convert(text, variant);
    const key = variant + text;
    const kept = this.convertedTexts.get(key);
    if (kept !== undefined) return kept;
    const converted = this.convert(text, variant);
    this.convertedTexts.set(key, converted, key.length + converted.length + ENTRY_UNITS);
    return converted;
  }

  /** A copy of a card (or any JSON) with every shown string converted; the original is not changed. */
  card<T>(card: T, variant: ChineseVariant): T {
    return this.walk(card, variant, false, KEPT_CARD_DEPTH);
  }

  /**
   * `inFacts`: a FactSet's fact, whose `value` is shown text. `keepDepth`: how many more levels
   * of frozen objects have their conversion remembered (a frozen object cannot change later).
   */
  private walk<T>(node: T, variant: ChineseVariant, inFacts: boolean, keepDepth: number): T {
    if (typeof node === 'string') return this.text(node, variant) as T;
    if (node === null || typeof node !== 'object') return node;
    if (keepDepth > 0 && !inFacts && Object.isFrozen(node)) {
      const kept = this.convertedCards[variant];
      const known = kept.get(node);
      if (known !== undefined) return known as T;
      // Shared like its original, so frozen like it (and its answer text is then kept: bot/frozenJson.ts).
      const converted = deepFreeze(this.copy(node, variant, inFacts, keepDepth - 1));
      kept.set(node, converted);
      return converted;
    }
    return this.copy(node, variant, inFacts, keepDepth - 1);
  }

  private copy<T extends object>(node: T, variant: ChineseVariant, inFacts: boolean, keepDepth: number): T {
    if (Array.isArray(node)) return node.map((n: unknown) => this.walk(n, variant, inFacts, keepDepth)) as T;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const shown = !NOT_SHOWN.has(key) || (inFacts && key === 'value');
      out[key] = shown ? this.walk(value, variant, key === 'facts', keepDepth) : value;
    }
    return out as T;
  }

  private convert(text: string, variant: ChineseVariant): string {
    const script = (this.script ??= new SimplifiedToTraditional());
    return this.terms(script.convert(text, variant));
  }
}
