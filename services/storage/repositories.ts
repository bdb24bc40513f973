/**
 * The storage seam. Services talk to these interfaces only; SQLite (embedded default) and
 * PostgreSQL (several bot instances) run them. Every method is async so that one service layer
 * runs on both; a unit of work is one `transaction`. The repositories are written once, for both
 * engines (queries/storeRepositories.ts); each store runs them on its own connection and owns
 * its transactions (sqlite/transactions.ts, postgres/postgresStore.ts).
 */
import type {
  Activation,
  AlertDelivery,
  AlertSettings,
  ActivationState,
  AlertPayload,
  AuditEntry,
  Benefit,
  Incident,
  IsoTimestamp,
  MembershipOffer,
  Organisation,
  OutboxAlert,
  Role,
  User,
} from '../domain/types';

export interface OrganisationRepository {
  get(tenantId: string): Promise<Organisation | null>;
  list(): Promise<Organisation[]>;
  insert(org: Organisation, createdAt: IsoTimestamp): Promise<void>;
  /** Removes the organisation and everything it owns (used by a replacing import). */
  delete(tenantId: string): Promise<void>;
}

export interface UserRepository {
  get(tenantId: string, aadObjectId: string): Promise<User | null>;
  list(tenantId: string): Promise<User[]>;
  listWithRole(tenantId: string, role: Role): Promise<User[]>;
  insert(user: User): Promise<void>;
  /** Inserts or replaces a person's name, email, association and roles (a directory's answer); the locale stays. */
  save(user: User): Promise<void>;
}

export interface OfferRepository {
  list(tenantId: string): Promise<MembershipOffer[]>;
  insert(offer: MembershipOffer): Promise<void>;
}

export interface BenefitRepository {
  get(tenantId: string, id: string): Promise<Benefit | null>;
  list(tenantId: string): Promise<Benefit[]>;
  insert(benefit: Benefit): Promise<void>;
  /**
   * Conditional update: changes the activation only if it is still in `expected` state.
   * Returns false when another request got there first.
   */
  updateActivation(
    tenantId: string,
    id: string,
    expected: ActivationState,
    next: Activation,
  ): Promise<boolean>;
  /**
   * Takes one incident if any remains (R11, R14): `used = used + 1 WHERE total IS NULL OR used < total`.
   * Returns the counts after the update, or null when none remained.
   */
  consumeIncident(tenantId: string, id: string): Promise<{ used: number; total: number | null } | null>;
}

export interface IncidentFilter {
  openedBy?: string;
  state?: Incident['state'];
}

/** Thrown by IncidentRepository.insert when the (tenant, idempotency key) pair exists. */
export class DuplicateIdempotencyKeyError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`An incident with idempotency key ${idempotencyKey} exists`);
  }
}

export interface IncidentRepository {
  get(tenantId: string, id: string): Promise<Incident | null>;
  getByIdempotencyKey(tenantId: string, key: string): Promise<Incident | null>;
  list(tenantId: string, filter?: IncidentFilter): Promise<Incident[]>;
  insert(incident: Incident): Promise<void>;
  /** Conditional: closes only an open incident; false when it was already closed. */
  close(tenantId: string, id: string, by: string, at: IsoTimestamp): Promise<boolean>;
}

export interface AuditRepository {
  append(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  list(tenantId: string): Promise<AuditEntry[]>;
}

export interface OutboxRepository {
  append(tenantId: string, payload: AlertPayload, createdAt: IsoTimestamp): Promise<void>;
  /** Appends unless an alert with this key exists for the tenant (scheduled alerts); true when appended. */
  appendOnce(
    tenantId: string,
    dedupeKey: string,
    payload: AlertPayload,
    createdAt: IsoTimestamp,
  ): Promise<boolean>;
  get(id: number): Promise<OutboxAlert | null>;
  list(tenantId: string): Promise<OutboxAlert[]>;
  /** Alerts not yet turned into deliveries, oldest first, across tenants. */
  listNotFannedOut(limit: number): Promise<OutboxAlert[]>;
  markFannedOut(id: number, at: IsoTimestamp): Promise<void>;
}

/** Per-recipient delivery of outbox alerts, claimed with a lease so that several dispatchers share the work. */
export interface AlertDeliveryRepository {
  /** Adds a delivery unless this alert already has one for this recipient. */
  add(delivery: {
    outboxId: number;
    tenantId: string;
    recipient: string;
    conversationId: string | null;
    state: 'queued' | 'unreachable';
    lastError: string | null;
    at: IsoTimestamp;
  }): Promise<void>;
  /** Queued deliveries due at `now` whose lease is free or expired (PostgreSQL: by the server's clock), oldest first. */
  listDue(now: IsoTimestamp, limit: number): Promise<AlertDelivery[]>;
  /**
   * Takes the lease of those of `ids` still queued whose lease is free or expired, for `leaseMs`,
   * in one statement; returns the ids taken (the others another dispatcher holds). PostgreSQL
   * skips rows another transaction has locked (FOR UPDATE SKIP LOCKED) and reads lease expiry on
   * the server's clock (`now()`), so instances whose clocks differ agree; SQLite, one file on one
   * machine, uses `now`.
   */
  claim(ids: readonly number[], owner: string, now: IsoTimestamp, leaseMs: number): Promise<number[]>;
  markSent(id: number, at: IsoTimestamp): Promise<void>;
  /** Releases the lease and schedules another attempt. */
  retryLater(id: number, nextAttemptAt: IsoTimestamp, error: string): Promise<void>;
  markUnreachable(id: number, error: string, at: IsoTimestamp): Promise<void>;
  /** Queues again what could not reach this recipient, now that a conversation exists. */
  requeueUnreachable(
    tenantId: string,
    recipient: string,
    conversationId: string,
    at: IsoTimestamp,
  ): Promise<number>;
  list(tenantId: string): Promise<AlertDelivery[]>;
  get(id: number): Promise<AlertDelivery | null>;
  /**
   * What Teams may have counted lately (all tenants): deliveries sent since `since`, and those
   * leased now (in flight, `sentAt` null). A dispatcher that takes over seeds its budget with them.
   */
  recentSends(
    since: IsoTimestamp,
    now: IsoTimestamp,
  ): Promise<{ tenantId: string; conversationId: string; sentAt: IsoTimestamp | null }[]>;
  /** Deliveries still to send, due or not (all tenants). */
  countQueued(): Promise<number>;
}

/** Organisation alert settings and the recipients who muted alerts. */
export interface AlertSettingsRepository {
  /** The stored settings, or null when the organisation uses the defaults. */
  get(tenantId: string): Promise<AlertSettings | null>;
  save(settings: AlertSettings, by: string, at: IsoTimestamp): Promise<void>;
  setMuted(tenantId: string, aadObjectId: string, muted: boolean, at: IsoTimestamp): Promise<void>;
  mutedUsers(tenantId: string): Promise<Set<string>>;
}

/** A stored value with its concurrency tag. */
export interface StateEntry {
  etag: string;
  data: Record<string, unknown>;
}

/** Thrown when a state write names an etag that is no longer current. */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`State for ${key} was changed by another turn (etag conflict)`);
  }
}

/** Key–value state for conversations (dialog stacks, drafts), with optimistic concurrency. */
export interface StateRepository {
  read(keys: string[]): Promise<Map<string, StateEntry>>;
  /** Writes when `expectedEtag` is null/'*' or matches; returns the new etag, or throws StateConflictError. */
  write(
    key: string,
    data: Record<string, unknown>,
    expectedEtag: string | null,
    at: IsoTimestamp,
  ): Promise<string>;
  delete(keys: string[]): Promise<void>;
  /** Deletes up to `limit` entries last written before `before`; returns how many. */
  deleteIdle(before: IsoTimestamp, limit: number): Promise<number>;
}

export type ConversationScope = 'personal' | 'channel' | 'groupChat';

export interface StoredConversationReference {
  tenantId: string;
  conversationId: string;
  aadObjectId: string | null;
  scope: ConversationScope;
  /** The Bot Framework conversation reference, as JSON. */
  reference: Record<string, unknown>;
  updatedAt: IsoTimestamp;
}

/** Where the bot can reach people later (proactive alerts); kept in the database, never in memory. */
export interface ConversationReferenceRepository {
  upsert(ref: StoredConversationReference): Promise<void>;
  get(tenantId: string, conversationId: string): Promise<StoredConversationReference | null>;
  personalFor(tenantId: string, aadObjectId: string): Promise<StoredConversationReference | null>;
  /** Users of the tenant who have a personal conversation with the bot. */
  usersWithPersonal(tenantId: string): Promise<Set<string>>;
  remove(tenantId: string, conversationId: string): Promise<void>;
  /**
   * Deletes up to `limit` references last written before `before`, except those proactive alerts
   * may still need: the channel an organisation's alerts are routed to, the personal chat of a
   * person the organisation knows (support leads and admins get alerts without writing), and any
   * conversation with a delivery still queued. Returns how many were deleted.
   */
  deleteIdle(before: IsoTimestamp, limit: number): Promise<number>;
}

/** The repositories as seen inside one unit of work. */
export interface StoreTx {
  organisations: OrganisationRepository;
  users: UserRepository;
  offers: OfferRepository;
  benefits: BenefitRepository;
  incidents: IncidentRepository;
  audit: AuditRepository;
  outbox: OutboxRepository;
  deliveries: AlertDeliveryRepository;
  alertSettings: AlertSettingsRepository;
  state: StateRepository;
  conversations: ConversationReferenceRepository;
}

export interface Store {
  /**
   * A write unit of work: all or nothing, serialised against other writers (also in other
   * processes and on other machines).
   *
   * The contract every unit of work keeps (issue 11):
   * - It may run more than once. A server database (PostgreSQL, SERIALIZABLE) rolls back a unit
   *   that raced another one and runs it again on fresh data; only the last run's writes and
   *   result count. So `work` computes from what it reads through `tx` and from its own locals,
   *   and changes nothing outside itself: no assigning to the caller's objects or arrays (hand
   *   things out through the result instead).
   * - Nothing inside it sends, logs or calls out (no Teams message, no Graph or Microsoft call,
   *   no log line, no timer): a rolled-back run would already have done it. Such work comes
   *   before the unit (e.g. confirming roles with the directory) or after it returned (sending
   *   alerts, logging what was written), driven by its result or by rows it wrote (the outbox).
   * - It reads and writes only through `tx`, and never opens another unit of work.
   * Errors it throws roll the unit back and reach the caller unchanged; an engine's own conflict
   * errors never do, unless the bounded retries run out.
   */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** A consistent read-only snapshot. */
  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * A read whose result is kept under `key` until a commit (by this process or any other)
   * changes one of `scopes` (services/storage/scopes.ts), which must name everything `work`
   * reads. The result is shared and deeply frozen: it must be plain data.
   */
  readCached<T>(key: string, scopes: readonly string[], work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** How many write units of work this store has run: tells a caller whether its work wrote anything. */
  readonly commits: number;
  close(): Promise<void>;
}
