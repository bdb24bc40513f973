import * as ACData from 'adaptivecards-templating';
import type { AdaptiveCard } from './types';

const templates = new Map<object, ACData.Template>();

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
    t = new ACData.Template(template);
    templates.set(template, t);
  }
  if (!enabled) return t.expand({ $root: data }) as AdaptiveCard;
  const key = `${templateId(template)}\u0000${JSON.stringify(data)}`;
  const hit = expanded.get(key);
  if (hit !== undefined) {
    // Least recently used goes first: re-insert on every hit.
    expanded.delete(key);
    expanded.set(key, hit);
    return JSON.parse(hit) as AdaptiveCard;
  }
  const card = t.expand({ $root: data }) as AdaptiveCard;
  expanded.set(key, JSON.stringify(card));
  if (expanded.size > MAX_EXPANDED) expanded.delete(expanded.keys().next().value as string);
  return card;
}

const ids = new Map<object, number>(); // templates are a handful of module constants
function templateId(template: object): number {
  let id = ids.get(template);
  if (id === undefined) {
    id = ids.size;
    ids.set(template, id);
  }
  return id;
}
