/**
 * Versioned schema. Each migration runs once, in order, inside an IMMEDIATE transaction so
 * that several processes opening one file at the same time apply it exactly once.
 * The SQL stays close to what PostgreSQL accepts.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Rebuilds tables: run with foreign key enforcement off, then checked (see migrate.ts). */
  foreignKeysOff?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'organisations, offers, benefits, users, incidents, audit log, alert outbox',
    sql: `
      CREATE TABLE organisations (
        tenant_id  TEXT PRIMARY KEY,
        mpn_id     TEXT NOT NULL,
        name       TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE users (
        tenant_id     TEXT NOT NULL REFERENCES organisations (tenant_id) ON DELETE CASCADE,
        aad_object_id TEXT NOT NULL,
        name          TEXT NOT NULL,
        email         TEXT NOT NULL,
        association   TEXT NOT NULL CHECK (association IN ('mpn', 'cspOnly', 'none')),
        roles         TEXT NOT NULL,
        locale        TEXT,
        PRIMARY KEY (tenant_id, aad_object_id)
      );
      CREATE TABLE membership_offers (
        tenant_id        TEXT NOT NULL REFERENCES organisations (tenant_id) ON DELETE CASCADE,
        id               TEXT NOT NULL,
        level            TEXT NOT NULL CHECK (level IN ('actionPack', 'silver', 'gold')),
        competency       TEXT,
        competency_class TEXT CHECK (competency_class IN ('cloud', 'other')),
        starts_on        TEXT NOT NULL,
        expires_on       TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE TABLE benefits (
        tenant_id        TEXT NOT NULL,
        id               TEXT NOT NULL,
        offer_id         TEXT NOT NULL,
        type             TEXT NOT NULL CHECK (type IN ('productSupport', 'signatureCloudSupport')),
        total            INTEGER CHECK (total IS NULL OR total >= 0),
        -- The quota is never exceeded (R11, R14): the database refuses it too.
        used             INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND (total IS NULL OR used <= total)),
        activation_state TEXT NOT NULL CHECK (activation_state IN ('notActivated', 'pending', 'active', 'rejected')),
        requested_by     TEXT,
        requested_at     TEXT,
        access_id        TEXT,
        contract_id      TEXT,
        activated_at     TEXT,
        rejected_reason  TEXT,
        decided_by       TEXT,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, offer_id, type),
        FOREIGN KEY (tenant_id, offer_id) REFERENCES membership_offers (tenant_id, id) ON DELETE CASCADE
      );
      CREATE TABLE incidents (
        tenant_id       TEXT NOT NULL REFERENCES organisations (tenant_id) ON DELETE CASCADE,
        id              TEXT NOT NULL,
        benefit_id      TEXT,
        plan            TEXT NOT NULL CHECK (plan IN ('productSupport', 'signatureCloudSupport', 'cloudSolutionProvider')),
        kind            TEXT NOT NULL CHECK (kind IN ('onPremises', 'cloud', 'cspAzure')),
        product         TEXT NOT NULL,
        title           TEXT NOT NULL,
        description     TEXT NOT NULL,
        severity        TEXT NOT NULL CHECK (severity IN ('A', 'B', 'C')),
        contact_name    TEXT NOT NULL,
        contact_email   TEXT NOT NULL,
        contact_phone   TEXT,
        state           TEXT NOT NULL CHECK (state IN ('open', 'closed')),
        opened_by       TEXT NOT NULL,
        opened_at       TEXT NOT NULL,
        closed_by       TEXT,
        closed_at       TEXT,
        idempotency_key TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, idempotency_key),
        FOREIGN KEY (tenant_id, benefit_id) REFERENCES benefits (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX incidents_by_opener ON incidents (tenant_id, opened_by);
      CREATE TABLE audit_log (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id TEXT NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        subject   TEXT NOT NULL,
        details   TEXT NOT NULL,
        at        TEXT NOT NULL
      );
      CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id);
      CREATE TABLE alert_outbox (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id  TEXT NOT NULL,
        payload    TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at    TEXT,
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX alert_outbox_unsent ON alert_outbox (sent_at, id);
    `,
  },
  {
    version: 2,
    name: 'bot conversation state and conversation references',
    sql: `
      CREATE TABLE bot_state (
        key        TEXT PRIMARY KEY,
        etag       TEXT NOT NULL,
        data       TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE conversation_references (
        tenant_id       TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        -- The user of a personal (1:1) conversation; null for channels and group chats.
        aad_object_id   TEXT,
        scope           TEXT NOT NULL CHECK (scope IN ('personal', 'channel', 'groupChat')),
        reference       TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, conversation_id)
      );
      CREATE INDEX conversation_references_by_user ON conversation_references (tenant_id, aad_object_id);
    `,
  },
  {
    version: 3,
    name: 'alert deliveries with leases, organisation alert settings, muted recipients',
    sql: `
      -- The outbox row is fanned out into one delivery per recipient; delivery state lives there.
      ALTER TABLE alert_outbox RENAME COLUMN sent_at TO fanned_out_at;
      ALTER TABLE alert_outbox DROP COLUMN attempts;
      ALTER TABLE alert_outbox DROP COLUMN last_error;
      -- Scheduled alerts (expiry windows, pending reminders) are written once per key.
      ALTER TABLE alert_outbox ADD COLUMN dedupe_key TEXT;
      CREATE UNIQUE INDEX alert_outbox_dedupe ON alert_outbox (tenant_id, dedupe_key);
      CREATE TABLE alert_deliveries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        outbox_id       INTEGER NOT NULL REFERENCES alert_outbox (id) ON DELETE CASCADE,
        tenant_id       TEXT NOT NULL,
        recipient       TEXT NOT NULL,
        conversation_id TEXT,
        state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'unreachable')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        lease_owner     TEXT,
        lease_until     TEXT,
        last_error      TEXT,
        sent_at         TEXT,
        created_at      TEXT NOT NULL,
        UNIQUE (outbox_id, recipient)
      );
      CREATE INDEX alert_deliveries_due ON alert_deliveries (state, next_attempt_at, id);
      CREATE INDEX alert_deliveries_by_recipient ON alert_deliveries (tenant_id, recipient, state);
      CREATE TABLE alert_settings (
        tenant_id               TEXT PRIMARY KEY REFERENCES organisations (tenant_id) ON DELETE CASCADE,
        thresholds              TEXT NOT NULL,
        pending_reminder_days   INTEGER NOT NULL,
        channel_conversation_id TEXT,
        updated_by              TEXT NOT NULL,
        updated_at              TEXT NOT NULL
      );
      CREATE TABLE alert_mutes (
        tenant_id     TEXT NOT NULL,
        aad_object_id TEXT NOT NULL,
        muted_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, aad_object_id)
      );
    `,
  },
  {
    version: 4,
    name: 'indexes for deleting stale dialog state and conversation references',
    sql: `
      CREATE INDEX bot_state_by_updated ON bot_state (updated_at);
      CREATE INDEX conversation_references_by_updated ON conversation_references (updated_at);
    `,
  },
  {
    version: 5,
    name: 'change log: which scopes each commit changed, written by triggers on every data table',
    sql: `
      -- Read caches in every process drop only what a commit changed (services/storage/scopes.ts).
      -- Triggers, not the store, write it: the admin CLI and plain SQL are recorded too.
      -- AUTOINCREMENT: a sequence number is never handed out twice, even after pruning.
      CREATE TABLE change_log (
        seq   INTEGER PRIMARY KEY AUTOINCREMENT,
        scope TEXT NOT NULL
      );
      -- Pruning forgets rows up to 'through'; a reader that had not seen them yet drops everything.
      CREATE TABLE change_log_pruned (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        through INTEGER NOT NULL
      );
      INSERT INTO change_log_pruned (id, through) VALUES (1, 0);
      ${changeLogTriggers({
        organisations: ['org'],
        users: ['org'],
        membership_offers: ['org'],
        benefits: ['org'],
        incidents: ['org'],
        audit_log: ['org'],
        alert_settings: ['org'],
        alert_mutes: ['org'],
        conversation_references: ['personalOrg', 'conversation'],
        bot_state: ['state'],
        alert_outbox: ['alerts'],
        alert_deliveries: ['alerts'],
      })}
    `,
  },
  {
    version: 6,
    name: 'insertion order in a seq column (offers, benefits, incidents), as on PostgreSQL',
    // Rebuilt tables (SQLite cannot add such a column): `seq INTEGER PRIMARY KEY` is the rowid
    // itself, named, so the order is explicit and stays (VACUUM may renumber the rowids of a
    // table without one); rows keep their old rowid as seq. (tenant_id, id) stays unique, the key
    // other tables refer to. migrate() runs this with foreign keys off, as SQLite's rebuild
    // procedure requires (else dropping the old table would cascade), and checks them after.
    sql: `
      CREATE TABLE membership_offers_new (
        seq              INTEGER PRIMARY KEY,
        tenant_id        TEXT NOT NULL REFERENCES organisations (tenant_id) ON DELETE CASCADE,
        id               TEXT NOT NULL,
        level            TEXT NOT NULL CHECK (level IN ('actionPack', 'silver', 'gold')),
        competency       TEXT,
        competency_class TEXT CHECK (competency_class IN ('cloud', 'other')),
        starts_on        TEXT NOT NULL,
        expires_on       TEXT NOT NULL,
        UNIQUE (tenant_id, id)
      );
      INSERT INTO membership_offers_new (seq, tenant_id, id, level, competency, competency_class, starts_on, expires_on)
        SELECT rowid, tenant_id, id, level, competency, competency_class, starts_on, expires_on FROM membership_offers;
      DROP TABLE membership_offers;
      ALTER TABLE membership_offers_new RENAME TO membership_offers;

      CREATE TABLE benefits_new (
        seq              INTEGER PRIMARY KEY,
        tenant_id        TEXT NOT NULL,
        id               TEXT NOT NULL,
        offer_id         TEXT NOT NULL,
        type             TEXT NOT NULL CHECK (type IN ('productSupport', 'signatureCloudSupport')),
        total            INTEGER CHECK (total IS NULL OR total >= 0),
        -- The quota is never exceeded (R11, R14): the database refuses it too.
        used             INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND (total IS NULL OR used <= total)),
        activation_state TEXT NOT NULL CHECK (activation_state IN ('notActivated', 'pending', 'active', 'rejected')),
        requested_by     TEXT,
        requested_at     TEXT,
        access_id        TEXT,
        contract_id      TEXT,
        activated_at     TEXT,
        rejected_reason  TEXT,
        decided_by       TEXT,
        UNIQUE (tenant_id, id),
        UNIQUE (tenant_id, offer_id, type),
        FOREIGN KEY (tenant_id, offer_id) REFERENCES membership_offers (tenant_id, id) ON DELETE CASCADE
      );
      INSERT INTO benefits_new (seq, tenant_id, id, offer_id, type, total, used, activation_state, requested_by,
          requested_at, access_id, contract_id, activated_at, rejected_reason, decided_by)
        SELECT rowid, tenant_id, id, offer_id, type, total, used, activation_state, requested_by,
          requested_at, access_id, contract_id, activated_at, rejected_reason, decided_by FROM benefits;
      DROP TABLE benefits;
      ALTER TABLE benefits_new RENAME TO benefits;

      CREATE TABLE incidents_new (
        seq             INTEGER PRIMARY KEY,
        tenant_id       TEXT NOT NULL REFERENCES organisations (tenant_id) ON DELETE CASCADE,
        id              TEXT NOT NULL,
        benefit_id      TEXT,
        plan            TEXT NOT NULL CHECK (plan IN ('productSupport', 'signatureCloudSupport', 'cloudSolutionProvider')),
        kind            TEXT NOT NULL CHECK (kind IN ('onPremises', 'cloud', 'cspAzure')),
        product         TEXT NOT NULL,
        title           TEXT NOT NULL,
        description     TEXT NOT NULL,
        severity        TEXT NOT NULL CHECK (severity IN ('A', 'B', 'C')),
        contact_name    TEXT NOT NULL,
        contact_email   TEXT NOT NULL,
        contact_phone   TEXT,
        state           TEXT NOT NULL CHECK (state IN ('open', 'closed')),
        opened_by       TEXT NOT NULL,
        opened_at       TEXT NOT NULL,
        closed_by       TEXT,
        closed_at       TEXT,
        idempotency_key TEXT NOT NULL,
        UNIQUE (tenant_id, id),
        UNIQUE (tenant_id, idempotency_key),
        FOREIGN KEY (tenant_id, benefit_id) REFERENCES benefits (tenant_id, id) ON DELETE CASCADE
      );
      INSERT INTO incidents_new (seq, tenant_id, id, benefit_id, plan, kind, product, title, description, severity,
          contact_name, contact_email, contact_phone, state, opened_by, opened_at, closed_by, closed_at, idempotency_key)
        SELECT rowid, tenant_id, id, benefit_id, plan, kind, product, title, description, severity,
          contact_name, contact_email, contact_phone, state, opened_by, opened_at, closed_by, closed_at, idempotency_key
        FROM incidents;
      DROP TABLE incidents;
      ALTER TABLE incidents_new RENAME TO incidents;
      CREATE INDEX incidents_by_opener ON incidents (tenant_id, opened_by);
      ${changeLogTriggers({ membership_offers: ['org'], benefits: ['org'], incidents: ['org'] })}
    `,
    foreignKeysOff: true,
  },
  {
    version: 7,
    name: "people and personal-chat references get scopes of their own, apart from the organisation's benefits",
    // Under the organisation's scope, every incident dropped every person's cached reads of the
    // organisation, and every new person's first message (it opens a personal chat) dropped every
    // cached view of it (services/storage/scopes.ts: peopleScope, reachScope).
    sql: `
      ${['organisations', 'users', 'conversation_references']
        .flatMap((table) =>
          ['insert', 'update', 'delete'].map((event) => `DROP TRIGGER change_log_${table}_${event};`),
        )
        .join('\n')}
      ${changeLogTriggers({
        organisations: ['org', 'people'],
        users: ['people'],
        conversation_references: ['personalReach', 'conversation'],
      })}
    `,
  },
  {
    version: 8,
    name: 'change log: rows deleted by hand before every reader saw them count as pruned',
    // An operator's DELETE FROM change_log would take changes no process has read yet with it:
    // their cached reads would stay. Marked like pruning, such a reader drops everything once.
    // The pruner marks first and deletes only rows up to the mark, so its deletions do nothing here.
    sql: `
      CREATE TRIGGER change_log_forgotten AFTER DELETE ON change_log
        WHEN OLD.seq > (SELECT through FROM change_log_pruned)
      BEGIN
        UPDATE change_log_pruned SET through = OLD.seq;
      END;
    `,
  },
];

/**
 * Migration 5's triggers (and 6's, for the tables it rebuilt, and 7's): after every insert, update and
 * delete, the scopes of the row as it was and as it is. The expressions build the strings of
 * services/storage/scopes.ts. Frozen with the migrations: a later change to scopes is a new
 * migration that replaces these triggers.
 */
function changeLogTriggers(
  tables: Record<
    string,
    ('org' | 'people' | 'personalOrg' | 'personalReach' | 'conversation' | 'state' | 'alerts')[]
  >,
): string {
  const expression = {
    org: (r: string) => `'org:' || ${r}.tenant_id`,
    people: (r: string) => `'people:' || ${r}.tenant_id`,
    // Migration 5: who can be reached in a personal chat was the organisation's (benefits views
    // list the support leads who cannot); a channel's or group chat's reference is only its conversation's.
    personalOrg: (r: string) => `'org:' || ${r}.tenant_id WHERE ${r}.scope = 'personal'`,
    // Migration 7: a scope of its own.
    personalReach: (r: string) => `'reach:' || ${r}.tenant_id WHERE ${r}.scope = 'personal'`,
    conversation: (r: string) => `'conversation:' || ${r}.tenant_id || ':' || ${r}.conversation_id`,
    state: (r: string) => `'state:' || ${r}.key`,
    alerts: (r: string) => `'alerts:' || ${r}.tenant_id`,
  };
  const scopesOf = (kinds: (keyof typeof expression)[], rows: string[]) =>
    rows.flatMap((r) => kinds.map((k) => `SELECT ${expression[k](r)}`)).join(' UNION ');
  return Object.entries(tables)
    .flatMap(([table, kinds]) =>
      (
        [
          ['insert', 'INSERT', ['NEW']],
          ['update', 'UPDATE', ['OLD', 'NEW']],
          ['delete', 'DELETE', ['OLD']],
        ] as const
      ).map(
        ([name, event, rows]) =>
          `CREATE TRIGGER change_log_${table}_${name} AFTER ${event} ON ${table} BEGIN
             INSERT INTO change_log (scope) ${scopesOf(kinds, [...rows])};
           END;`,
      ),
    )
    .join('\n');
}
