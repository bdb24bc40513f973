import * as ACData from 'adaptivecards-templating';
import type { AdaptiveCard } from './types';

const templates = new Map<object, ACData.Template>();

/** Expands a JSON template with data; parsed templates are kept, since every turn reuses them. */
export function expand(template: object, data: object): AdaptiveCard {
  let t = templates.get(template);
  if (!t) {
    t = new ACData.Template(template);
    templates.set(template, t);
  }
  return t.expand({ $root: data }) as AdaptiveCard;
}
