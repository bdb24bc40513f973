/**
 * What a cached read depends on, and what a write changes: a scope. A cached read names every
 * scope it reads; a commit that changes one of them drops it (ReadCache). The database engine
 * names the scopes a commit changed in the same words: the SQLite change log's triggers build
 * these very strings (migration 5), so a write by any process, the admin CLI and plain SQL
 * included, is told apart by organisation and conversation.
 *
 * Two different ids could only ever name the same scope (say a tenant id holding ':'), never
 * one id two scopes: a collision drops a cached read too many, never one too few.
 */

/**
 * An organisation's benefits and what uses them: its offers, benefits, incidents, audit log,
 * alert settings and mutes (and its record, which peopleScope names too).
 */
export const organisationScope = (tenantId: string) => `org:${tenantId}`;

/**
 * An organisation's record and its people (names, roles, association): who is served and who may
 * do what. Apart from the organisation's scope because incidents and activations change the
 * organisation's benefits many times a day, and every person's cached reads (the sender check,
 * their roles) would go with each.
 */
export const peopleScope = (tenantId: string) => `people:${tenantId}`;

/**
 * Which of an organisation's people have a personal chat with the bot (their personal-chat
 * references): the support leads without one are those quota alerts cannot reach. Apart from
 * the organisation's scope because every new person's first message opens a personal chat, and
 * only the admins' notice of who cannot be reached reads it: the organisation's benefits, its
 * people and its cards stay cached.
 */
export const reachScope = (tenantId: string) => `reach:${tenantId}`;

/** One conversation's stored reference (where alerts reach it). */
export const conversationScope = (tenantId: string, conversationId: string) =>
  `conversation:${tenantId}:${conversationId}`;

/** One entry of the bot's conversation state (a dialog stack, a draft). */
export const stateScope = (key: string) => `state:${key}`;

/**
 * The organisation's alert outbox and deliveries. No bot view reads them: the dispatcher's leases
 * and bookkeeping change this scope only, and so leave every cached view alone.
 */
export const alertsScope = (tenantId: string) => `alerts:${tenantId}`;
