import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { tenantIdOf } from '../dialogs/identity';
import { languageOf } from '../dialogs/language';
import type { Logger } from './logger';
import { PERSON_TOO_FAST, TENANT_TOO_BUSY } from './replies';
import { isProactiveTurn } from './proactive';

export interface TurnLimit {
  /** Turns accepted at once from a rested sender. */
  burst: number;
  /** Turns accepted per minute after the burst (the refill rate). */
  perMinute: number;
}

export interface TurnLimitsConfig {
  enabled: boolean;
  person: TurnLimit;
  tenant: TurnLimit;
}

export interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms, from the limiter's clock). */
  at: number;
  /** Over its limit since the last accepted turn (logged once, when it began). */
  limited: boolean;
  /** Turns dropped in this episode, reported in one line when it ends. */
  dropped: number;
  /** Persons only: told about a limit (theirs or their tenant's) since their last accepted turn. */
  told: boolean;
}

/**
 * Token buckets by key, in a Map kept in least-recently-used order. A bucket that has refilled
 * completely is the same as no bucket, so idle ones are dropped as new keys arrive; `capacity`
 * bounds the map whatever the number of distinct senders (evicting a busy sender only resets it).
 */
export class TokenBuckets {
  private readonly entries = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly limit: TurnLimit,
    private readonly capacity: number,
    private readonly onIdleEnd: (key: string, bucket: Bucket) => void = () => undefined,
  ) {
    this.perMs = limit.perMinute / 60_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Takes one token for `key`; returns its bucket and whether the turn is allowed. */
  take(key: string, now: number): { allowed: boolean; bucket: Bucket } {
    let bucket = this.entries.get(key);
    if (bucket) {
      this.entries.delete(key); // re-inserted below: most recently used last
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.at) * this.perMs);
      bucket.at = now;
    } else {
      this.sweep(now);
      bucket = { tokens: this.limit.burst, at: now, limited: false, dropped: 0, told: false };
    }
    this.entries.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, bucket };
    }
    return { allowed: false, bucket };
  }

  /**
   * Forgets rested buckets from the least recently used end, stopping at the first one still in
   * use; each bucket is forgotten once, so this costs a constant amount per insertion on average.
   * A full map forgets its least recently used bucket even if it was in use.
   */
  private sweep(now: number): void {
    for (const [key, b] of this.entries) {
      const rested = b.tokens + (now - b.at) * this.perMs >= this.limit.burst;
      if (!rested && this.entries.size < this.capacity) return;
      this.entries.delete(key);
      if (b.limited) this.onIdleEnd(key, b);
    }
  }
}

/** A monotonic millisecond clock: limits are about elapsed time, not the domain clock. */
const monotonicMs = () => performance.now();

/**
 * Per-person and per-tenant limits on incoming turns, before anything else runs. A sender over
 * a limit is told once, politely, in their language, with one warn line; further turns are
 * dropped without touching the database or a dialog, and without a log line each: one info line
 * says how many were dropped when the sender is accepted again (or forgotten).
 * Invokes always get an invoke response (Teams shows an error and re-sends otherwise).
 */
export class TurnLimiter implements Middleware {
  private readonly persons: TokenBuckets;
  private readonly tenants: TokenBuckets;

  constructor(
    private readonly config: TurnLimitsConfig,
    private readonly logger: Logger,
    private readonly now: () => number = monotonicMs,
    capacity: { persons: number; tenants: number } = { persons: 50_000, tenants: 10_000 },
  ) {
    // A sender forgotten while limited (it never came back) gets its summary line then.
    this.persons = new TokenBuckets(config.person, capacity.persons, (k, b) =>
      this.endEpisode('person', k, b),
    );
    this.tenants = new TokenBuckets(config.tenant, capacity.tenants, (k, b) =>
      this.endEpisode('tenant', k, b),
    );
    if (!config.enabled) logger.warn('TURN_LIMITS=off: no per-person or per-tenant limit on incoming turns');
  }

  /** Distinct senders and tenants currently remembered (bounded by the capacities). */
  get sizes(): { persons: number; tenants: number } {
    return { persons: this.persons.size, tenants: this.tenants.size };
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (!this.config.enabled || isProactiveTurn(context)) return next();
    const activity = context.activity;
    const tenantId = tenantIdOf(activity) ?? '';
    const aad = typeof activity.from?.aadObjectId === 'string' ? activity.from.aadObjectId.toLowerCase() : '';
    const fromId = typeof activity.from?.id === 'string' ? activity.from.id : '';
    const personKey = `${tenantId}\u0000${aad ? `aad:${aad}` : `id:${fromId}`}`;
    const now = this.now();

    const person = this.persons.take(personKey, now);
    if (!person.allowed) return this.refuse(context, 'person', personKey, person.bucket, person.bucket);
    const tenantKey = `${tenantId}\u0000`;
    const tenant = this.tenants.take(tenantKey, now);
    if (!tenant.allowed) return this.refuse(context, 'tenant', tenantKey, tenant.bucket, person.bucket);

    person.bucket.told = false;
    this.endEpisode('tenant', tenantKey, tenant.bucket);
    this.endEpisode('person', personKey, person.bucket);
    return next();
  }

  private endEpisode(limit: 'person' | 'tenant', key: string, b: Bucket): void {
    if (!b.limited) return;
    this.logger.info('turn limit episode ended', { limit, ...this.describe(key), dropped: b.dropped });
    b.limited = false;
    b.dropped = 0;
  }

  private async refuse(
    context: TurnContext,
    limit: 'person' | 'tenant',
    key: string,
    bucket: Bucket,
    person: Bucket,
  ): Promise<void> {
    if (!bucket.limited) {
      bucket.limited = true;
      const { burst, perMinute } = this.config[limit];
      this.logger.warn(
        limit === 'person'
          ? 'turn limit reached: this person’s turns are dropped until they slow down'
          : 'turn limit reached: this tenant’s turns are dropped until it slows down',
        { limit, ...this.describe(key), burst, perMinute },
      );
    } else bucket.dropped++;
    const tell = !person.told;
    person.told = true;

    const activity = context.activity;
    const lang = languageOf(activity.locale);
    const text = (limit === 'person' ? PERSON_TOO_FAST : TENANT_TOO_BUSY)[lang];
    if (activity.type === ActivityTypes.Invoke) {
      // Every invoke needs its response (Teams shows an error and re-sends otherwise); it costs nothing.
      const card = activity.name === 'adaptiveCard/action';
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: card
          ? {
              status: 200,
              body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text },
            }
          : { status: 429 },
      });
      return;
    }
    if (tell && activity.type === ActivityTypes.Message) await context.sendActivity(text);
  }

  private describe(key: string): Record<string, string> {
    const [tenantId, who] = key.split('\u0000');
    const out: Record<string, string> = { tenantId };
    if (who?.startsWith('aad:')) out.aadObjectId = who.slice(4);
    else if (who?.startsWith('id:')) out.fromId = who.slice(3);
    return out;
  }
}
