/**
 * Deletes what nobody used for long: dialog state not written for `stateIdleDays` and
 * conversation references not written for `referenceIdleDays` (minus those proactive alerts
 * still need: see ConversationReferenceRepository.deleteIdle). Either comes back by itself on
 * the sender's next turn. Runs in small transactions so that turns wait at most one batch.
 */
import { type Clock } from '../domain/clock';
import { FailureStreak } from '../failureStreak';
import type { Store } from './repositories';

export interface StaleDataLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface StaleDataOptions {
  store: Store;
  clock: Clock;
  log: StaleDataLog;
  stateIdleDays: number;
  referenceIdleDays: number;
  everyMs: number;
  /** Rows per transaction. */
  batch?: number;
}

const DAY_MS = 86_400_000;

export class StaleDataCleaner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** While the database is down every pass fails: one line when they start failing, one when they work again. */
  private readonly failures: FailureStreak;

  constructor(private readonly o: StaleDataOptions) {
    this.failures = new FailureStreak(o.log, 'stale data cleanup failed');
  }

  /** Runs every `everyMs` (the first time after one period); the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return; // a slow pass is not run twice at once
      this.running = this.runOnce()
        .then(
          () => this.failures.succeeded(),
          (err: unknown) => this.failures.failed(err),
        )
        .finally(() => (this.running = null));
    }, this.o.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; returns how many rows went. */
  async runOnce(): Promise<{ states: number; references: number }> {
    const now = this.o.clock.now().getTime();
    const stateBefore = new Date(now - this.o.stateIdleDays * DAY_MS).toISOString();
    const referenceBefore = new Date(now - this.o.referenceIdleDays * DAY_MS).toISOString();
    const batch = this.o.batch ?? 500;
    const drain = async (deleteSome: () => Promise<number>) => {
      let total = 0;
      for (;;) {
        const n = await deleteSome();
        total += n;
        if (n < batch) return total;
      }
    };
    const states = await drain(() =>
      this.o.store.transaction((tx) => tx.state.deleteIdle(stateBefore, batch)),
    );
    const references = await drain(() =>
      this.o.store.transaction((tx) => tx.conversations.deleteIdle(referenceBefore, batch)),
    );
    if (states || references)
      this.o.log.info('stale data deleted', {
        dialogStates: states,
        conversationReferences: references,
        stateIdleDays: this.o.stateIdleDays,
        referenceIdleDays: this.o.referenceIdleDays,
      });
    return { states, references };
  }
}
