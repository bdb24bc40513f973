/**
 * Reads kept in memory until a commit changes what they read, for any database engine: the
 * engine only tells, before each lookup, which scopes (services/storage/scopes.ts) were changed
 * since it was last asked (ChangeFeed). One organisation's incident, one conversation's dialog
 * step or the alert dispatcher's bookkeeping drop only the reads of that scope.
 *
 * Guarantee: a cached answer is never older than the database. Take any commit C that a kept
 * read R did not see (C came after R's snapshot). The feed reports C at the first lookup after
 * C (by this process or any other). If R is still in flight then, R is spoiled and not kept;
 * if R was kept, its entry goes before that lookup answers. A lookup before C's report cannot
 * miss C, since C had not committed yet. So scopes need no version numbers: the reads in flight
 * are the only ones that can straddle a commit, and there are few of them.
 *
 * An engine whose feed must ask a server (PostgreSQL) answers with a promise: every lookup waits
 * for an answer about a moment after it began, which is what "the first lookup after C" needs.
 * While the engine cannot tell at all (its watching connection is lost), the cache is emptied and
 * reads are not kept until it can tell again.
 */
import { deepFreeze } from '../domain/freeze';
import { heapBytes } from '../domain/heapSize';
import { withoutNul } from './storedText';

/**
 * The scopes changed by every commit since the previous answer; 'everything' when the engine can
 * no longer tell which (it has forgotten that far back); 'unknown' when it cannot tell now.
 */
export type Changes = readonly string[] | 'everything' | 'unknown';

/** What the cache asks of a database engine. */
export interface ChangeFeed {
  /**
   * What changed since the previous answer, by this process or any other, up to a moment after
   * this call. Asked before every lookup: it must be cheap when nothing was committed. Callers
   * waiting together may be handed one promise: its answer is applied once.
   */
  changes(): Changes | Promise<Changes>;
}

interface Entry {
  value: unknown;
  scopes: readonly string[];
  /** Estimated once, when kept: the value, its key and the bookkeeping (see ENTRY_BYTES). */
  bytes: number;
}

interface InFlight {
  scopes: readonly string[];
  spoiled: boolean;
}

/**
 * Default bound: about this many MB of heap held by kept reads (READ_CACHE_MB), counted with
 * heapBytes when a read is kept. A person's turn keeps four small entries (sender check,
 * conversation reference, dialog state, the person's part of the benefits view): about 3 KB
 * together, the reference most; an organisation's part of the benefits view (offers and
 * benefits, shared by its people) is a few KB. 12 MB hold about 4,000 active people's reads and
 * fit in npm start's 128 MB heap beside the SDK's ~60 MB and the other caches (bench:memory,
 * BENCHMARKS.md: with 16 MB the heap came within a few MB of the cap and ran out there).
 */
export const DEFAULT_READ_CACHE_MB = 12;

/** A kept entry's own cost besides its value: the Map slots, the entry object, its scope sets. */
const ENTRY_BYTES = 120;
const SCOPE_BYTES = 40;

export class ReadCache {
  /** In least-recently-used order: a hit moves its entry to the end, the first goes first. */
  private readonly entries = new Map<string, Entry>();
  /** Which keys read which scope, so that a change drops exactly those. */
  private readonly keysByScope = new Map<string, Set<string>>();
  private readonly inFlight = new Set<InFlight>();
  private keptBytes = 0;
  /** The feed's answers already applied (one promise may be handed to several lookups). */
  private readonly applied = new WeakSet<Promise<Changes>>();

  constructor(
    private readonly feed: ChangeFeed,
    /** The most the kept reads may hold, estimated (heapBytes); the least recently used go first. */
    private readonly maxBytes = DEFAULT_READ_CACHE_MB * 1024 * 1024,
  ) {}

  /**
   * The value kept under `key`, or `read`'s, kept (deeply frozen) unless a scope in `scopes`
   * changed while it ran. `scopes` must name everything `read` reads: nothing else drops it.
   */
  async get<T>(key: string, scopes: readonly string[], read: () => Promise<T>): Promise<T> {
    // In the form the engine's change log names them (PostgreSQL's triggers see U+FFFD for U+0000).
    const named = scopes.map(withoutNul);
    const asked = this.feed.changes();
    let changes: Changes;
    if (asked instanceof Promise) {
      changes = await asked;
      if (!this.applied.has(asked)) {
        this.applied.add(asked);
        this.catchUp(changes);
      }
    } else this.catchUp((changes = asked));
    // Nothing can be told about the database now: read it, keep nothing.
    if (changes === 'unknown') return deepFreeze(await read());
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as T;
    }
    const flight: InFlight = { scopes: named, spoiled: false };
    this.inFlight.add(flight);
    try {
      const value = deepFreeze(await read());
      if (!flight.spoiled) this.keep(key, named, value);
      return value;
    } finally {
      this.inFlight.delete(flight);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated heap the kept reads hold (at most maxBytes). */
  get bytes(): number {
    return this.keptBytes;
  }

  private catchUp(changes: Changes): void {
    if (changes === 'everything' || changes === 'unknown') {
      this.entries.clear();
      this.keysByScope.clear();
      this.keptBytes = 0;
      for (const flight of this.inFlight) flight.spoiled = true;
      return;
    }
    if (changes.length === 0) return;
    const changed = new Set(changes.map(withoutNul));
    for (const scope of changed) {
      const keys = this.keysByScope.get(scope);
      if (keys) for (const key of [...keys]) this.drop(key);
    }
    for (const flight of this.inFlight) {
      if (flight.scopes.some((s) => changed.has(s))) flight.spoiled = true;
    }
  }

  private keep(key: string, scopes: readonly string[], value: unknown): void {
    this.drop(key);
    // A read larger than the whole budget is answered but not kept (it would push out everything).
    const bytes = heapBytes(value) + ENTRY_BYTES + 2 * key.length + SCOPE_BYTES * scopes.length;
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, scopes, bytes });
    this.keptBytes += bytes;
    for (const scope of scopes) {
      let keys = this.keysByScope.get(scope);
      if (!keys) this.keysByScope.set(scope, (keys = new Set()));
      keys.add(key);
    }
    while (this.keptBytes > this.maxBytes) this.drop(this.entries.keys().next().value as string);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.keptBytes -= entry.bytes;
    for (const scope of entry.scopes) {
      const keys = this.keysByScope.get(scope);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByScope.delete(scope);
    }
  }
}
