/**
 * PostgreSQL's text and jsonb cannot hold U+0000, which SQLite stores and a hostile client can
 * send (in a message, a name, a conversation id). PostgreSQL keeps U+FFFD instead, the character
 * that stands for one that cannot be represented (postgres/statements.ts), rather than failing
 * the turn. Whatever compares a text with its stored form (a state key, a cache scope, a
 * conversation reference) compares both in this form; on SQLite that only makes two ids that
 * differ in U+0000 against U+FFFD look alike, which drops a cached read too many, never too few.
 */
const NUL = '\u0000';
const REPLACEMENT = '\ufffd';

/** `text` as PostgreSQL keeps it. */
export function withoutNul(text: string): string {
  return text.includes(NUL) ? text.split(NUL).join(REPLACEMENT) : text;
}

/** A JSON-like value as PostgreSQL's jsonb keeps it: U+0000 replaced in strings and keys. */
export function jsonWithoutNul(value: unknown): unknown {
  if (typeof value === 'string') return withoutNul(value);
  if (Array.isArray(value)) return value.map(jsonWithoutNul);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), jsonWithoutNul(v)]));
  return value;
}
