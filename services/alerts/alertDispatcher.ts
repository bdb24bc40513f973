/**
 * Delivers outbox alerts to Teams conversations: fans each alert out into one delivery per
 * recipient, then sends deliveries under the rate budget, claimed in batches with a lease so that
 * several dispatchers on one database never send the same delivery at once.
 *
 * One active dispatcher: Teams' limits (per tenant, per conversation) are counted in this
 * process's memory, so they hold for all instances together only if one instance sends. The
 * `election` says which (PostgreSQL: an advisory lock on a connection of its own); the others
 * stand by, trying again every `standbyMs`, and the first to try after the holder died takes over.
 * On SQLite every dispatcher leads (one file, one machine; leases share the work).
 *
 * Guarantee: at least once. A delivery is marked sent after the connector accepted it; a
 * process that dies between the send and the mark leaves its lease to expire, and another
 * dispatcher sends it again (the only way to get a duplicate). Nothing is dropped: a failing
 * delivery keeps its last error and is retried with backoff, without limit.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, isoTimestamp } from '../domain/clock';
import type { AlertDelivery, MembershipOffer, OutboxAlert } from '../domain/types';
import type { Store, StoredConversationReference, StoreTx } from '../storage/repositories';
import { parseRecipient, peopleIn, recipientsOf, referenceFor } from './recipients';
import { alwaysLead, type Election } from '../storage/election';
import { scanScheduledAlerts } from './schedule';
import { SendBudget, TEAMS_CONVERSATION_WINDOWS } from './sendBudget';
import { FailureStreak } from '../failureStreak';

export interface AlertLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Everything a sender needs to write one alert into one conversation. */
export interface AlertJob {
  delivery: AlertDelivery;
  alert: OutboxAlert;
  reference: StoredConversationReference;
  organisationName: string;
  /** The membership offer the alert's benefit belongs to. */
  offer: MembershipOffer | null;
  /** The recipient user's locale (null for channels or when unknown). */
  locale: string | null;
  /** Names of the people the alert mentions, by Entra object id. */
  names: Record<string, string>;
}

/** What a sender throws when the connector refused or could not be reached. */
export class AlertSendError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

export interface AlertSender {
  send(job: AlertJob): Promise<void>;
}

export interface AlertDispatcherOptions {
  store: Store;
  clock: Clock;
  sender: AlertSender;
  log: AlertLog;
  /** Identifies this process in leases. */
  owner?: string;
  budget?: SendBudget;
  leaseMs?: number;
  concurrency?: number;
  pageSize?: number;
  /** How often to look for new outbox rows when idle. */
  pollMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often to scan for expiry and pending-activation alerts. */
  scanEveryMs?: number;
  /** Which instance sends; the dispatcher owns it (stop() closes it). Default: always this one. */
  election?: Election;
  /** How often a standby tries to become the active dispatcher (default 1 s). */
  standbyMs?: number;
}

export interface DispatchCounts {
  sent: number;
  retried: number;
  unreachable: number;
}

/** Statuses worth another try: throttled, precondition, gateway and service trouble (Teams guidance). */
const PERMANENT = new Set([403, 404]);

export class AlertDispatcher {
  readonly owner: string;
  readonly counts: DispatchCounts = { sent: 0, retried: 0, unreachable: 0 };
  private readonly budget: SendBudget;
  private readonly inFlight = new Map<number, Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastScan = 0;
  /** The last pass stopped because sends in flight held the budget or the concurrency cap. */
  private waitingForSends = false;
  private notifyTimer: NodeJS.Timeout | null = null;
  private readonly election: Election;
  /** null until the first try: the first answer is logged too. */
  private leading: boolean | null = null;
  /** While the database is down every pass fails: one line when they start failing, one when they work again. */
  private readonly passFailures: FailureStreak;
  private readonly bookkeepingFailures: FailureStreak;

  constructor(private readonly o: AlertDispatcherOptions) {
    this.owner = o.owner ?? `dispatcher-${randomUUID()}`;
    this.passFailures = new FailureStreak(o.log, 'alert dispatcher pass failed');
    this.bookkeepingFailures = new FailureStreak(o.log, 'alert delivery bookkeeping failed');
    this.budget = o.budget ?? new SendBudget();
    this.election = o.election ?? alwaysLead;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming; waits for the sends in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = null;
    this.wakeNow();
    await this.loop;
    await Promise.allSettled([...this.inFlight.values()]);
    await this.election.close();
  }

  /** Whether this dispatcher is the one that sends (logs the change either way). */
  private async lead(): Promise<boolean> {
    const now = await this.election.lead();
    if (now !== this.leading) {
      // Before the first send: what the previous holder sent lately still counts at Teams.
      if (now) await this.seedBudget();
      this.leading = now;
      if (now) this.o.log.info('alert dispatcher active: this instance sends alerts', { owner: this.owner });
      else
        this.o.log.warn('alert dispatcher standing by: another instance sends alerts', { owner: this.owner });
    }
    return now;
  }

  /**
   * Something may have been written to the outbox: look soon rather than at the next poll.
   * Bot turns call this; calls within 20 ms share one wake-up, so a busy bot does not run a
   * dispatcher pass per message.
   */
  notify(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      this.wakeNow();
    }, 20);
  }

  private wakeNow(): void {
    this.wake?.();
  }

  /** Counts in the budget the sends of the last 30 s (the longest Teams window) and those in flight elsewhere. */
  private async seedBudget(): Promise<void> {
    const now = this.o.clock.now();
    const since = new Date(now.getTime() - LONGEST_WINDOW_MS).toISOString();
    const sends = await this.o.store.read((tx) => tx.deliveries.recentSends(since, now.toISOString()));
    for (const s of sends) {
      const ago = s.sentAt ? now.getTime() - Date.parse(s.sentAt) : 0;
      this.budget.recordPast(s.tenantId, s.conversationId, ago);
    }
  }

  /** Turns new outbox alerts into deliveries, one per recipient; returns how many alerts. */
  async fanOut(limit = 100): Promise<number> {
    // Most wake-ups find nothing: look with a read before taking the write lock.
    if ((await this.o.store.read((tx) => tx.outbox.listNotFannedOut(1))).length === 0) return 0;
    const now = isoTimestamp(this.o.clock);
    // Built inside the unit of work and handed out by it: a unit may run again (Store.transaction).
    const { count, unreachable } = await this.o.store.transaction(async (tx) => {
      const unreachable: { tenantId: string; recipient: string; outboxId: number }[] = [];
      const alerts = await tx.outbox.listNotFannedOut(limit);
      for (const alert of alerts) {
        for (const recipient of await recipientsOf(tx, alert)) {
          const ref = await referenceFor(tx, alert.tenantId, recipient);
          if (!ref) unreachable.push({ tenantId: alert.tenantId, recipient, outboxId: alert.id });
          await tx.deliveries.add({
            outboxId: alert.id,
            tenantId: alert.tenantId,
            recipient,
            conversationId: ref?.conversationId ?? null,
            state: ref ? 'queued' : 'unreachable',
            lastError: ref ? null : NEVER_INSTALLED,
            at: now,
          });
        }
        await tx.outbox.markFannedOut(alert.id, now);
      }
      return { count: alerts.length, unreachable };
    });
    for (const u of unreachable) this.o.log.warn('alert recipient unreachable: the bot is not installed', u);
    this.counts.unreachable += unreachable.length;
    return count;
  }

  /** Runs passes until nothing is due and nothing is in flight (tests, benchmarks, CLI). */
  async drain(timeoutMs = 60_000): Promise<DispatchCounts> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.lead())) {
      if (Date.now() > deadline)
        throw new Error(`alerts still due after ${timeoutMs} ms (another instance sends)`);
      await this.pause(this.o.standbyMs ?? 1000);
    }
    await this.fanOut(1000);
    for (;;) {
      if (Date.now() > deadline) throw new Error(`alerts still due after ${timeoutMs} ms`);
      while ((await this.fanOut(1000)) > 0);
      const { started, waitMs } = await this.pass();
      if (started === 0 && this.inFlight.size === 0) {
        const queued = await this.o.store.read((tx) => tx.deliveries.countQueued());
        if (queued === 0) return this.counts;
      }
      if (started === 0) await this.pause(waitMs);
    }
  }

  private async run(): Promise<void> {
    const pollMs = this.o.pollMs ?? 1000;
    while (this.running) {
      try {
        if (!(await this.lead())) {
          await this.pause(this.o.standbyMs ?? 1000);
          continue;
        }
        const scanEvery = this.o.scanEveryMs ?? 3_600_000;
        if (Date.now() - this.lastScan >= scanEvery) {
          this.lastScan = Date.now();
          const written = await scanScheduledAlerts(this.o.store, this.o.clock);
          if (written > 0) this.o.log.info('scheduled alerts written', { written });
        }
        await this.fanOut();
        const { started, waitMs } = await this.pass();
        this.passFailures.succeeded();
        if (started === 0) await this.pause(Math.min(waitMs, pollMs));
      } catch (err) {
        this.passFailures.failed(err);
        await this.pause(pollMs);
      }
    }
  }

  /** Waits up to `ms`, or until a send ends or someone calls notify(). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, Number.isFinite(ms) ? Math.max(1, ms) : 1000);
      this.wake = done;
    });
  }

  /**
   * Starts every due delivery the budget allows now, claimed in one batch; says how long until
   * the next one could start.
   */
  private async pass(): Promise<{ started: number; waitMs: number }> {
    const nowIso = this.o.clock.now().toISOString();
    const due = await this.o.store.read((tx) => tx.deliveries.listDue(nowIso, this.o.pageSize ?? 500));
    let waitMs = this.o.pollMs ?? 1000;
    this.waitingForSends = false;
    const tenantWait = new Map<string, number>();
    // Places held in the budget for the batch about to be claimed, so that it never exceeds it.
    const chosen: { d: AlertDelivery; place: { end: () => void; cancel: () => void } }[] = [];
    for (const d of due) {
      if (this.inFlight.size + chosen.length >= (this.o.concurrency ?? 8)) {
        waitMs = Infinity;
        this.waitingForSends = true; // a send ending wakes us
        break;
      }
      if (this.inFlight.has(d.id)) continue;
      // A tenant out of budget is checked once per pass, not once per row.
      let tw = tenantWait.get(d.tenantId);
      if (tw === undefined) {
        tw = this.budget.tenantWaitMs(d.tenantId);
        tenantWait.set(d.tenantId, tw);
      }
      if (tw > 0) {
        if (tw === Infinity) this.waitingForSends = true;
        waitMs = Math.min(waitMs, tw);
        continue;
      }
      const conversationId = d.conversationId ?? d.recipient;
      const wait = this.budget.waitMs(d.tenantId, conversationId);
      if (wait === Infinity) this.waitingForSends = true;
      if (wait > 0) {
        waitMs = Math.min(waitMs, wait);
        continue;
      }
      chosen.push({ d, place: this.budget.reserve(d.tenantId, conversationId) });
      tenantWait.delete(d.tenantId); // one more send held: look again for the next row
    }
    if (chosen.length === 0) return { started: 0, waitMs };
    const claimed = new Set(
      await this.o.store
        .transaction((tx) =>
          tx.deliveries.claim(
            chosen.map((c) => c.d.id),
            this.owner,
            nowIso,
            this.o.leaseMs ?? 120_000,
          ),
        )
        .catch((err: unknown) => {
          for (const c of chosen) c.place.cancel();
          throw err;
        }),
    );
    let started = 0;
    for (const { d, place } of chosen) {
      if (!claimed.has(d.id)) {
        place.cancel(); // another dispatcher has it
        continue;
      }
      const sending = this.deliver(d)
        .then(
          () => this.bookkeepingFailures.succeeded(),
          (err: unknown) => this.bookkeepingFailures.failed(err, { deliveryId: d.id }),
        )
        .finally(() => {
          place.end();
          this.inFlight.delete(d.id);
          // Only a pass that stopped for sends in flight gains from this one ending; otherwise its timer is right.
          if (this.waitingForSends || this.inFlight.size === 0) this.wakeNow();
        });
      this.inFlight.set(d.id, sending);
      started++;
    }
    return { started, waitMs };
  }

  private async deliver(d: AlertDelivery): Promise<void> {
    const job = await this.o.store.read((tx) => this.jobFor(tx, d));
    const at = () => isoTimestamp(this.o.clock);
    if (!job) {
      await this.o.store.transaction((tx) => tx.deliveries.markUnreachable(d.id, NO_CONVERSATION, at()));
      this.counts.unreachable++;
      this.o.log.warn('alert recipient unreachable: no conversation', {
        deliveryId: d.id,
        recipient: d.recipient,
      });
      return;
    }
    try {
      await this.o.sender.send(job);
    } catch (err) {
      const e =
        err instanceof AlertSendError
          ? err
          : new AlertSendError(null, err instanceof Error ? err.message : String(err));
      if (e.status !== null && PERMANENT.has(e.status)) {
        // 403: the bot was blocked or removed; 404: the conversation is gone. Forget the reference.
        const reason = `${e.status}: ${e.message}`;
        await this.o.store.transaction(async (tx) => {
          await tx.conversations.remove(d.tenantId, job.reference.conversationId);
          await tx.deliveries.markUnreachable(d.id, reason, at());
        });
        this.counts.unreachable++;
        this.o.log.warn('alert recipient unreachable: reference removed', {
          deliveryId: d.id,
          recipient: d.recipient,
          status: e.status,
        });
        return;
      }
      const delay = e.retryAfterMs ?? this.backoffMs(d.attempts);
      const next = new Date(this.o.clock.now().getTime() + delay).toISOString();
      await this.o.store.transaction((tx) =>
        tx.deliveries.retryLater(d.id, next, `${e.status ?? 'network'}: ${e.message}`),
      );
      this.counts.retried++;
      const log = d.attempts >= 5 ? this.o.log.error : this.o.log.warn;
      log.call(this.o.log, 'alert delivery failed, will retry', {
        deliveryId: d.id,
        status: e.status,
        attempts: d.attempts,
        retryInMs: delay,
      });
      return;
    }
    await this.o.store.transaction((tx) => tx.deliveries.markSent(d.id, at()));
    this.counts.sent++;
  }

  /** Exponential backoff with full jitter, capped. `attempts` counts this one. */
  private backoffMs(attempts: number): number {
    const base = this.o.baseBackoffMs ?? 1000;
    const cap = this.o.maxBackoffMs ?? 600_000;
    const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private async jobFor(tx: StoreTx, d: AlertDelivery): Promise<AlertJob | null> {
    const alert = await tx.outbox.get(d.outboxId);
    const org = await tx.organisations.get(d.tenantId);
    if (!alert || !org) return null;
    // The conversation found at fan-out (or when the person installed the bot later).
    const reference = d.conversationId
      ? await tx.conversations.get(d.tenantId, d.conversationId)
      : await referenceFor(tx, d.tenantId, d.recipient);
    if (!reference) return null;
    // Only the people the card names, and the recipient for the language: not the whole organisation per send.
    const names: Record<string, string> = {};
    for (const id of peopleIn(alert.payload)) {
      const u = await tx.users.get(d.tenantId, id);
      if (u) names[id] = u.name;
    }
    const r = parseRecipient(d.recipient);
    const locale = r.kind === 'user' ? ((await tx.users.get(d.tenantId, r.id))?.locale ?? null) : null;
    const offer = (await tx.offers.list(d.tenantId)).find((o) => o.id === alert.payload.offerId) ?? null;
    return { delivery: d, alert, reference, organisationName: org.name, offer, locale, names };
  }
}

const LONGEST_WINDOW_MS = Math.max(...TEAMS_CONVERSATION_WINDOWS.map((w) => w.windowMs));
const NEVER_INSTALLED = 'The bot is not installed for this person: no personal conversation to send to';
const NO_CONVERSATION = 'No conversation reference for this recipient';
