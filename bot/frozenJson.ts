import { LeastRecentlyUsed } from '../services/domain/leastRecentlyUsed';

/**
 * JSON.stringify, with the text of deeply frozen parts remembered. An answer's card is most of
 * its bytes (a benefits card is 7–8 KB of JSON, about 25 µs to stringify), and cards built from
 * shared views are shared and deeply frozen (cards/render.ts): everyone in an organisation asking
 * about benefits gets the same card's parts, whose text need not be made again. A frozen part
 * whose insides are all frozen can never change, so its text stays right.
 *
 * The text is made part by part, so that a fresh frozen copy of a shared card (the per-person
 * refresh, cards/benefitsCard.ts) still finds the texts of the parts it shares. A text is kept
 * only for a part of at least MIN_KEPT characters met a second time (the per-person copies, met
 * once, keep nothing), as a flat copy made natively, and at most MAX_KEPT_CHARS characters of
 * texts are kept, the least recently used out first (LeastRecentlyUsed: it holds the parts too).
 * One per server (bot/server.ts).
 */
const MIN_KEPT = 4096;
/** About 1–2 MB of heap (a character is one byte, or two in a Chinese card): a hundred or so cards' parts. */
const MAX_KEPT_CHARS = 1024 * 1024;
/**
 * Below this depth an object that is not frozen goes to JSON.stringify whole (four times faster
 * than a walk here): an answer's cards sit at depth 5 (body, activities, activity, attachments,
 * attachment, content) or 1 (an invoke's value), so a card that is not shared costs a few steps.
 */
const WALKED_DEPTH = 6;

interface Part {
  text: string | undefined;
  /** Frozen, and so is everything inside: its text can be kept. */
  fixed: boolean;
}

export class FrozenJson {
  /** Costed in characters. */
  private readonly texts = new LeastRecentlyUsed<object, string>(MAX_KEPT_CHARS);
  /** Large fixed parts met once: kept the next time they are met. */
  private readonly metOnce = new WeakSet<object>();

  /** Exactly JSON.stringify(value)'s text (undefined where it gives undefined). */
  stringify(value: unknown): string | undefined {
    return this.part(value, '', 0).text;
  }

  private part(value: unknown, key: string, depth: number): Part {
    if (typeof value !== 'object' || value === null) return { text: JSON.stringify(value), fixed: true };
    const known = this.texts.get(value);
    if (known !== undefined) return { text: known, fixed: true };
    const withJson = value as { toJSON?: (key: string) => unknown };
    // toJSON (a Date) and boxed primitives are JSON.stringify's to turn into text; a Date can change while frozen.
    if (typeof withJson.toJSON === 'function')
      return { text: this.part(withJson.toJSON(key), key, depth).text, fixed: false };
    if (value instanceof Number || value instanceof String || value instanceof Boolean)
      return { text: JSON.stringify(value), fixed: false };
    const frozen = Object.isFrozen(value);
    if (depth >= WALKED_DEPTH) {
      // Deep enough: JSON.stringify's text, whole. A large part that cannot change is kept the
      // second time it is met (its `fixed` is not told upwards: a walk above is never kept).
      const text = JSON.stringify(value);
      if (frozen && text.length >= MIN_KEPT && this.metBefore(value) && deeplyFrozen(value))
        this.texts.set(value, text, text.length);
      return { text, fixed: false };
    }
    let fixed = frozen && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype);
    let text: string;
    if (Array.isArray(value)) {
      text = '[';
      // An index loop, not map: a hole is null, as JSON.stringify has it.
      for (let i = 0; i < value.length; i++) {
        const item = this.part(value[i], String(i), depth + 1);
        fixed &&= item.fixed;
        text += `${i > 0 ? ',' : ''}${item.text ?? 'null'}`;
      }
      text += ']';
    } else {
      text = '{';
      let first = true;
      for (const [k, v] of Object.entries(value)) {
        const member = this.part(v, k, depth + 1);
        fixed &&= member.fixed;
        if (member.text === undefined) continue;
        text += `${first ? '' : ','}${JSON.stringify(k)}:${member.text}`;
        first = false;
      }
      text += '}';
    }
    // Kept as made again natively: one flat string, not the pieces the walk joined.
    if (fixed && text.length >= MIN_KEPT && this.metBefore(value)) {
      text = JSON.stringify(value);
      this.texts.set(value, text, text.length);
    }
    return { text, fixed };
  }

  /** Whether a large frozen part was met before: true the second time (then forgotten), false the first. */
  private metBefore(part: object): boolean {
    if (this.metOnce.delete(part)) return true;
    this.metOnce.add(part);
    return false;
  }
}

/** Whether nothing inside can change: frozen plain objects and arrays all the way down. */
function deeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value)) return false;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(deeplyFrozen);
}
