import type { Logger } from './logger';

/**
 * Warn (or error) lines for refused requests and outages, bounded: a flood of bad requests, or
 * every turn failing while the database is down, must not flood the log.
 * Each kind of line gets `perWindow` lines a window; the rest are counted, and the count is
 * logged once with the next line of that kind in a later window.
 */
export class EdgeLog {
  private readonly windows = new Map<string, { start: number; logged: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly perWindow = 20,
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(msg: string, fields: Record<string, unknown>): void {
    this.line('warn', msg, fields);
  }

  error(msg: string, fields: Record<string, unknown>): void {
    this.line('error', msg, fields);
  }

  private line(level: 'warn' | 'error', msg: string, fields: Record<string, unknown>): void {
    const at = this.now();
    let w = this.windows.get(msg);
    if (!w || at - w.start >= this.windowMs) {
      if (w && w.suppressed > 0)
        this.logger[level]('similar log lines suppressed', {
          msg,
          suppressed: w.suppressed,
          windowMs: this.windowMs,
        });
      w = { start: at, logged: 0, suppressed: 0 };
      this.windows.set(msg, w); // one entry per kind of line: a handful, never per request
    }
    if (w.logged < this.perWindow) {
      w.logged++;
      this.logger[level](msg, fields);
    } else w.suppressed++;
  }
}
