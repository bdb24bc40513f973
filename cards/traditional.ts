/**
 * Answers in Traditional Chinese (issue 13): every wording is written once, in Simplified
 * characters, and converted for zh-TW and zh-HK readers at the point where a reply leaves
 * (bot/traditionalReplies.ts, and the alert sender). Taiwan gets Taiwan words too (软件 → 軟體,
 * 激活 → 啟用); Hong Kong gets Hong Kong characters.
 */
import { CustomConverter } from 'opencc-js';
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
 * One per app (created in bot/app.ts). The dictionaries take about 40 ms and 5 MB to load, so they
 * are loaded on the first reply that needs them; converted frozen (shared, cached) cards are
 * remembered with them.
 */
export class TraditionalChinese {
  private script: SimplifiedToTraditional | undefined;
  private readonly terms = CustomConverter(WORDING_FIXES);
  private readonly convertedCards = new WeakMap<object, Map<ChineseVariant, unknown>>();

  text(text: string, variant: ChineseVariant): string {
    return CJK.test(text) ? this.converter(variant)(text) : text;
  }

  /** A copy of a card (or any JSON) with every shown string converted; the original is not changed. */
  card<T>(card: T, variant: ChineseVariant): T {
    if (card === null || typeof card !== 'object' || !Object.isFrozen(card))
      return this.walk(card, variant, false);
    let byVariant = this.convertedCards.get(card);
    if (!byVariant) this.convertedCards.set(card, (byVariant = new Map()));
    if (!byVariant.has(variant)) byVariant.set(variant, this.walk(card, variant, false));
    return byVariant.get(variant) as T;
  }

  /** `inFacts`: a FactSet's fact, whose `value` is shown text. */
  private walk<T>(node: T, variant: ChineseVariant, inFacts: boolean): T {
    if (typeof node === 'string') return this.text(node, variant) as T;
    if (Array.isArray(node)) return node.map((n) => this.walk(n, variant, inFacts)) as T;
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const shown = !NOT_SHOWN.has(key) || (inFacts && key === 'value');
      out[key] = shown ? this.walk(value, variant, key === 'facts') : value;
    }
    return out as T;
  }

  private converter(variant: ChineseVariant): (text: string) => string {
    const script = (this.script ??= new SimplifiedToTraditional());
    return (text) => this.terms(script.convert(text, variant));
  }
}
