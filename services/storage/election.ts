/**
 * Who, among the bot instances on one database, does a job that must run in one place at a time
 * (the alert dispatcher: Teams' per-tenant and per-conversation limits hold for all instances
 * together only if one of them sends).
 */
export interface Election {
  /**
   * True while this process holds the role; when it does not, tries once to take it (false:
   * another instance holds it). Cheap when held: no round trip.
   */
  lead(): Promise<boolean>;
  /** Gives the role up (if held) and closes what holding it needed. */
  close(): Promise<void>;
}

/** One SQLite file on one machine: every dispatcher may run; leases share the work (today's behaviour). */
export const alwaysLead: Election = {
  lead: () => Promise.resolve(true),
  close: () => Promise.resolve(),
};
