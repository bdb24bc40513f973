/**
 * The database could not be reached while the bot runs (the server stopped, restarted, refused
 * the login, or the network dropped). Engine-neutral, so that the bot can tell the person "I
 * can't reach my data right now" without knowing the driver. Whether a unit of work that failed
 * this way was committed is unknown when the connection died at COMMIT: what it did must be safe
 * to ask for again (incidents carry an idempotency key for this).
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    /** What kind of failure, in a few words for the log ("connection refused", "connection lost"…). */
    readonly kind: string,
    /** The driver's own message (never shown to a person). */
    readonly reason: string,
  ) {
    super(`database unreachable (${kind}): ${reason}`);
  }
}
