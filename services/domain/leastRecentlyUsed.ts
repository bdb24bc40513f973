/**
 * A map kept in least recently used order and bounded by the sum of its entries' costs (bytes,
 * characters, or 1 each for a count): setting an entry drops the least recently used ones until
 * the sum fits again (an entry costing more than the whole bound drops itself too).
 */
export class LeastRecentlyUsed<K, V> {
  private readonly entries = new Map<K, { value: V; cost: number }>();
  private total = 0;

  constructor(private readonly maxCost: number) {}

  /** The value kept under `key`, now the most recently used; undefined if none. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, cost = 1): void {
    this.delete(key);
    this.entries.set(key, { value, cost });
    this.total += cost;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.maxCost) break;
      this.entries.delete(oldest);
      this.total -= entry.cost;
    }
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.total -= entry.cost;
  }

  get size(): number {
    return this.entries.size;
  }
}
