import * as ACData from 'adaptivecards-templating';
import { deepFreeze } from '../services/domain/freeze';
import type { AdaptiveCard } from './types';

/** Parsed templates, each with a number that keys its expansions below (templates are module constants). */
const templates = new Map<object, { template: ACData.Template; id: number }>();

/**
 * Expanded cards by template and data. Template expansion evaluates every binding through
 * adaptive-expressions (about 0.2 ms for the benefits card), while the same data comes back
 * often: everyone in an organisation sees the same benefits until an incident or activation
 * changes them. A remembered card is shared by every caller, so it is deeply frozen: code that
 * wants a variant copies the parts it changes (changing a frozen card throws).
 */
const expanded = new Map<string, AdaptiveCard>();
const MAX_EXPANDED = 500;
let enabled = true;

/** Set once at start from the configuration (CARD_CACHE). */
export function setExpansionCache(on: boolean): void {
  enabled = on;
  expanded.clear();
}

/** Whether expanded cards may be remembered (CARD_CACHE). */
export function cardCacheEnabled(): boolean {
  return enabled;
}

/** Expands a JSON template with data; parsed templates are kept, since every turn reuses them. */
export function expand(template: object, data: object): AdaptiveCard {
  let t = templates.get(template);
  if (!t) {
    t = { template: new ACData.Template(template), id: templates.size };
    templates.set(template, t);
  }
  if (!enabled) return t.template.expand({ $root: data }) as AdaptiveCard;
  const key = `${t.id}\u0000${JSON.stringify(data)}`;
  const hit = expanded.get(key);
  if (hit !== undefined) {
    // Least recently used goes first: re-insert on every hit.
    expanded.delete(key);
    expanded.set(key, hit);
    return hit;
  }
  const card = deepFreeze(t.template.expand({ $root: data }) as AdaptiveCard);
  expanded.set(key, card);
  if (expanded.size > MAX_EXPANDED) expanded.delete(expanded.keys().next().value as string);
  return card;
}

const sizes = new WeakMap<object, number>();

/** A card's size as Teams counts it (UTF-16 code units × 2), remembered for shared cards. */
export function cardBytes(card: object): number {
  let size = sizes.get(card);
  if (size === undefined) {
    size = JSON.stringify(card).length * 2;
    sizes.set(card, size);
  }
  return size;
}
