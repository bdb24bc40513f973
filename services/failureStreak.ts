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

export class FailureStreak {
  private failures = 0;
  private since = 0;
  private lastLine = 0;

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
    if (this.failures === 1) {
      this.since = this.lastLine = at;
      this.log.error(this.msg, { ...fields, error });
    } else if (at - this.lastLine >= (this.options.remindEveryMs ?? 600_000)) {
      this.lastLine = at;
      this.log.error(`${this.msg} (still)`, {
        ...fields,
        error,
        failures: this.failures,
        failingForMs: at - this.since,
      });
    }
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.log.info(`${this.msg}: works again`, {
      failures: this.failures,
      failedForMs: this.now() - this.since,
    });
    this.failures = 0;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
