/**
 * The log of a task that runs again and again (the alert dispatcher's passes, the stale-data
 * cleaner): while the database is down every run fails the same way, so the log gets one error
 * line when the runs start failing, a reminder now and then while they keep failing, and one line
 * when a run works again; not one line per run.
 */
export interface StreakLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface FailureStreakOptions {
  /** While the failures go on, one reminder line this often (default 10 minutes). */
  remindEveryMs?: number;
  now?: () => number;
}

/**
 * A new streak starting soon after the last line (flapping: fail, work, fail…) gets its line when
 * it has failed this many times in a row, or at the next reminder, not at once.
 */
const FAILURES_TO_TELL_WHILE_FLAPPING = 3;

export class FailureStreak {
  private failures = 0;
  private since = 0;
  /** When the last line (of any kind) was written; null before the first. */
  private lastLine: number | null = null;
  /** Whether this streak's failure line was written (then its end is told too). */
  private told = false;
  /** Streaks that ended untold since the last line: counted into the next line. */
  private untold = { failures: 0, recoveries: 0 };

  constructor(
    private readonly log: StreakLog,
    /** The first failure's line ("alert dispatcher pass failed"); the others are built from it. */
    private readonly msg: string,
    private readonly options: FailureStreakOptions = {},
  ) {}

  failed(err: unknown, fields: Record<string, unknown> = {}): void {
    const at = this.now();
    const error = err instanceof Error ? err.message : String(err);
    this.failures++;
    if (this.failures === 1) this.since = at;
    const due = this.lastLine === null || at - this.lastLine >= this.remindEveryMs();
    if (this.told) {
      if (!due) return;
      this.line('error', `${this.msg} (still)`, at, {
        ...fields,
        error,
        failures: this.failures,
        failingForMs: at - this.since,
      });
      return;
    }
    if (!due && this.failures < FAILURES_TO_TELL_WHILE_FLAPPING) return;
    this.told = true;
    this.line('error', this.msg, at, {
      ...fields,
      error,
      ...(this.failures > 1 ? { failures: this.failures, failingForMs: at - this.since } : {}),
    });
  }

  succeeded(): void {
    if (this.failures === 0) return;
    const at = this.now();
    if (this.told) {
      this.line('info', `${this.msg}: works again`, at, {
        failures: this.failures,
        failedForMs: at - this.since,
      });
    } else {
      this.untold.failures += this.failures;
      this.untold.recoveries++;
    }
    this.failures = 0;
    this.told = false;
  }

  private line(level: 'info' | 'error', msg: string, at: number, fields: Record<string, unknown>): void {
    const { failures, recoveries } = this.untold;
    // Brief failures since the last line that were not told on their own.
    const flapping =
      recoveries > 0 ? { intermittentFailures: failures, intermittentRecoveries: recoveries } : {};
    this.log[level](msg, { ...fields, ...flapping });
    this.untold = { failures: 0, recoveries: 0 };
    this.lastLine = at;
  }

  private remindEveryMs(): number {
    return this.options.remindEveryMs ?? 600_000;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
