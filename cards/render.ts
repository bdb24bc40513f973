import * as ACData from 'adaptivecards-templating';
import { deepFreeze } from '../services/domain/freeze';
import { LeastRecentlyUsed } from '../services/domain/leastRecentlyUsed';
import type { AdaptiveCard } from './types';

const MAX_EXPANDED = 500;
/**
 * Cards kept for shared views (forView): at most this many bytes of cards, as cardBytes counts
 * them (about their heap size), least recently used out first. A benefits card is 5–25 KB: this
 * holds the cards of several hundred organisations' views.
 */
const MAX_VIEW_CARD_BYTES = 8 * 1024 * 1024;

export interface CardRendererOptions {
  /** Remember expanded cards (CARD_CACHE); off, every card is expanded afresh (benchmarks). */
  cache: boolean;
}

/**
 * Expands card templates with data. One per app (created in bot/app.ts and passed to everything
 * that builds cards): the switch and every memo live here, not in the module, so two apps in one
 * process (tests, benchmarks) never share a cache or see each other's CARD_CACHE.
 */
export class CardRenderer {
  readonly cacheEnabled: boolean;
  /** Parsed templates, each with a number that keys its expansions below. */
  private readonly templates = new Map<object, { template: ACData.Template; id: number }>();
  /**
   * Expanded cards by template and data. Template expansion evaluates every binding through
   * adaptive-expressions (about 0.2 ms for the benefits card), while the same data comes back
   * often: everyone in an organisation sees the same benefits until an incident or activation
   * changes them. A remembered card is shared by every caller, so it is deeply frozen: code that
   * wants a variant copies the parts it changes (changing a frozen card throws).
   */
  private readonly expanded = new LeastRecentlyUsed<string, AdaptiveCard>(MAX_EXPANDED);
  private readonly sizes = new WeakMap<object, number>();
  /**
   * Cards made from a shared (cached, frozen) view, by the view's number and a key the card
   * builder chooses: the same view asked for again gives the same card without building its data
   * and key (benefits card). Bounded by bytes (MAX_VIEW_CARD_BYTES), not tied to the view's life:
   * a view the read cache dropped leaves its cards here until they are the least recently used.
   */
  private readonly byView = new LeastRecentlyUsed<string, AdaptiveCard>(MAX_VIEW_CARD_BYTES);
  /** A number per shared view, held weakly: the memo keys name views without keeping them. */
  private readonly viewNumbers = new WeakMap<object, number>();
  private viewsNumbered = 0;

  constructor(options: CardRendererOptions) {
    this.cacheEnabled = options.cache;
  }

  /** Expands a JSON template with data; parsed templates are kept, since every turn reuses them. */
  expand(template: object, data: object): AdaptiveCard {
    let t = this.templates.get(template);
    if (!t) {
      t = { template: new ACData.Template(template), id: this.templates.size };
      this.templates.set(template, t);
    }
    if (!this.cacheEnabled) return t.template.expand({ $root: data }) as AdaptiveCard;
    const key = `${t.id}\u0000${JSON.stringify(data)}`;
    const hit = this.expanded.get(key);
    if (hit !== undefined) return hit;
    const card = deepFreeze(t.template.expand({ $root: data }) as AdaptiveCard);
    this.expanded.set(key, card);
    return card;
  }

  /**
   * The card for a frozen (shared, cached) view and key, built once by `build` and frozen; fresh
   * views and CARD_CACHE=off build every time. `key` must name everything else the card depends on.
   */
  forView(view: object, key: string, build: () => AdaptiveCard): AdaptiveCard {
    if (!this.cacheEnabled || !Object.isFrozen(view)) return build();
    let n = this.viewNumbers.get(view);
    if (n === undefined) this.viewNumbers.set(view, (n = this.viewsNumbered++));
    const memoKey = `${n}\u0000${key}`;
    const hit = this.byView.get(memoKey);
    if (hit !== undefined) return hit;
    const card = deepFreeze(build());
    this.byView.set(memoKey, card, this.cardBytes(card));
    return card;
  }

  /** A card's size as Teams counts it (UTF-16 code units × 2), remembered for frozen (shared) cards. */
  cardBytes(card: object): number {
    if (!Object.isFrozen(card)) return JSON.stringify(card).length * 2;
    let size = this.sizes.get(card);
    if (size === undefined) {
      size = JSON.stringify(card).length * 2;
      this.sizes.set(card, size);
    }
    return size;
  }
}
