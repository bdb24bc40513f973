import * as ACData from 'adaptivecards-templating';
import type { AdaptiveCard } from './types';

/** Parsed templates, each with a number that keys its expansions below (templates are module constants). */
const templates = new Map<object, { template: ACData.Template; id: number }>();

/**
 * Expanded cards by template and data. Template expansion evaluates every binding through
 * adaptive-expressions (about 0.2 ms for the benefits card), while the same data comes back
 * often: everyone in an organisation sees the same benefits until an incident or activation
 * changes them. Entries are kept as JSON so each caller gets its own copy to change.
 */
const expanded = new Map<string, string>();
const MAX_EXPANDED = 500;
let enabled = true;

/** Set once at start from the configuration (CARD_CACHE). */
export function setExpansionCache(on: boolean): void {
  enabled = on;
  expanded.clear();
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
    return JSON.parse(hit) as AdaptiveCard;
  }
  const card = t.template.expand({ $root: data }) as AdaptiveCard;
  expanded.set(key, JSON.stringify(card));
  if (expanded.size > MAX_EXPANDED) expanded.delete(expanded.keys().next().value as string);
  return card;
}
