import type { Storage, StoreItems } from 'botbuilder';
import type { Clock } from '../services/domain/clock';
import { isoTimestamp } from '../services/domain/clock';
import type { Store } from '../services/storage/repositories';
import { stateScope } from '../services/storage/scopes';

/**
 * botbuilder's Storage over the product database, so dialog state survives restarts and is
 * shared by several bot instances. eTags follow MemoryStorage: '*' or none writes always,
 * anything else must match the stored one.
 */
export class DatabaseStorage implements Storage {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    // Kept until one of these entries is written (by any process); each turn gets its own copy,
    // since dialogs change their state.
    const found = await this.store.readCached(
      `bot-state\u0000${keys.join('\u0000')}`,
      keys.map(stateScope),
      (tx) => tx.state.read(keys),
    );
    const items: StoreItems = {};
    for (const [key, entry] of found) items[key] = { ...(jsonCopy(entry.data) as object), eTag: entry.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    const at = isoTimestamp(this.clock);
    // The new etags are handed out after the commit: a unit of work may run again (Store.transaction),
    // and a second run must see the etags the caller read, not ones a rolled-back run wrote.
    const etags = await this.store.transaction(async (tx) => {
      const written: string[] = [];
      for (const [key, item] of entries) {
        const { eTag, ...data } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
        written.push(await tx.state.write(key, data, eTag ?? null, at));
      }
      return written;
    });
    entries.forEach(([, item], n) => (item.eTag = etags[n]));
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.store.transaction((tx) => tx.state.delete(keys));
  }
}

/**
 * A deep copy of JSON data (what the database gives back: objects, arrays, strings, numbers,
 * booleans, null), about five times faster than structuredClone on a dialog's state. A key named
 * "__proto__" is kept as a key, as JSON.parse keeps it.
 */
function jsonCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(jsonCopy);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = jsonCopy((value as Record<string, unknown>)[key]);
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}
