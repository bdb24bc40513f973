/**
 * Rate shaping for proactive sends: Teams' limits per bot per conversation (7 in 1 s, 8 in
 * 2 s, 60 in 30 s) and a budget per tenant (about 50 requests/s per app).
 *
 * A send counts against a window from the moment it starts until `window` after it ends.
 * The connector sees the request somewhere between those two instants, so counting this way
 * can never let it see more than the limit in any window, whatever the network delay.
 */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

export const TEAMS_CONVERSATION_WINDOWS: readonly RateWindow[] = [
  { limit: 7, windowMs: 1000 },
  { limit: 8, windowMs: 2000 },
  { limit: 60, windowMs: 30_000 },
];
export const DEFAULT_TENANT_RATE_PER_SECOND = 50;

interface Slot {
  /** Monotonic ms when the send ended; null while it is in flight. */
  endedAt: number | null;
}

class WindowedCounter {
  private slots: Slot[] = [];
  constructor(private readonly windows: readonly RateWindow[]) {}

  /** Milliseconds until one more send fits every window (0 = now; Infinity = wait for an in-flight send). */
  waitMs(now: number): number {
    let wait = 0;
    for (const w of this.windows) {
      const counted = this.slots.filter((s) => s.endedAt === null || s.endedAt > now - w.windowMs);
      if (counted.length < w.limit) continue;
      const ended = counted
        .map((s) => s.endedAt)
        .filter((t): t is number => t !== null)
        .sort((a, b) => a - b);
      const mustLeave = counted.length - w.limit + 1;
      if (ended.length < mustLeave) return Infinity;
      wait = Math.max(wait, ended[mustLeave - 1] + w.windowMs - now);
    }
    return Math.max(0, wait);
  }

  start(): Slot {
    const slot: Slot = { endedAt: null };
    this.slots.push(slot);
    return slot;
  }

  /** Forgets a slot whose send never started. */
  drop(slot: Slot): void {
    this.slots = this.slots.filter((s) => s !== slot);
  }

  prune(now: number): void {
    const longest = Math.max(...this.windows.map((w) => w.windowMs));
    this.slots = this.slots.filter((s) => s.endedAt === null || s.endedAt > now - longest);
  }

  get idle(): boolean {
    return this.slots.length === 0;
  }
}

export interface SendBudgetOptions {
  conversationWindows?: readonly RateWindow[];
  tenantRatePerSecond?: number;
  now?: () => number;
}

export class SendBudget {
  private readonly conversations = new Map<string, WindowedCounter>();
  private readonly tenants = new Map<string, WindowedCounter>();
  private readonly windows: readonly RateWindow[];
  private readonly tenantWindows: readonly RateWindow[];
  private readonly now: () => number;

  constructor(options: SendBudgetOptions = {}) {
    this.windows = options.conversationWindows ?? TEAMS_CONVERSATION_WINDOWS;
    this.tenantWindows = [
      { limit: options.tenantRatePerSecond ?? DEFAULT_TENANT_RATE_PER_SECOND, windowMs: 1000 },
    ];
    this.now = options.now ?? (() => performance.now());
  }

  /** Milliseconds to wait before a send to this conversation may start. */
  waitMs(tenantId: string, conversationId: string): number {
    const now = this.now();
    return Math.max(
      this.tenants.get(tenantId)?.waitMs(now) ?? 0,
      this.conversations.get(conversationId)?.waitMs(now) ?? 0,
    );
  }

  /** Milliseconds before the tenant's budget allows another send, to any conversation. */
  tenantWaitMs(tenantId: string): number {
    return this.tenants.get(tenantId)?.waitMs(this.now()) ?? 0;
  }

  /** Records a send starting now; call the returned function when it ends (whatever the outcome). */
  start(tenantId: string, conversationId: string): () => void {
    return this.reserve(tenantId, conversationId).end;
  }

  /**
   * Counts a send another dispatcher made, which ended `agoMs` ago (0: maybe still in flight
   * when it handed over; counted as ending now).
   */
  recordPast(tenantId: string, conversationId: string, agoMs: number): void {
    const endedAt = this.now() - Math.max(0, agoMs);
    this.counter(this.tenants, tenantId, this.tenantWindows).start().endedAt = endedAt;
    this.counter(this.conversations, conversationId, this.windows).start().endedAt = endedAt;
  }

  /**
   * Holds a place for a send as if it started now: `end` when it ended (whatever the outcome),
   * `cancel` when it will not happen after all (another dispatcher claimed the delivery).
   */
  reserve(tenantId: string, conversationId: string): { end: () => void; cancel: () => void } {
    const tenant = this.counter(this.tenants, tenantId, this.tenantWindows);
    const conversation = this.counter(this.conversations, conversationId, this.windows);
    const slots = [tenant.start(), conversation.start()];
    const settle = (finish: () => void) => {
      finish();
      const now = this.now();
      this.prune(this.tenants, tenantId, now);
      this.prune(this.conversations, conversationId, now);
    };
    return {
      end: () =>
        settle(() => {
          const now = this.now();
          for (const s of slots) s.endedAt = now;
        }),
      cancel: () =>
        settle(() => {
          tenant.drop(slots[0]);
          conversation.drop(slots[1]);
        }),
    };
  }

  private counter(map: Map<string, WindowedCounter>, key: string, windows: readonly RateWindow[]) {
    let c = map.get(key);
    if (!c) {
      c = new WindowedCounter(windows);
      map.set(key, c);
    }
    return c;
  }

  private prune(map: Map<string, WindowedCounter>, key: string, now: number): void {
    const c = map.get(key);
    c?.prune(now);
    if (c?.idle) map.delete(key);
  }
}
