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

/**
 * `value` as JSON once stored: JSON.stringify's rules (no undefined, toJSON), U+0000 replaced in
 * strings and keys as jsonb keeps them, and every object's keys in sorted order, since jsonb
 * reorders them. Two values give the same text exactly when their stored forms (their JSON round
 * trip, U+0000 replaced) are deeply equal: a stored form can be computed once, and compared as a
 * string.
 */
export function comparableJson(value: unknown): string {
  return comparable(value) ?? 'null';
}

/** What JSON escapes in a string: quotes, backslashes, surrogates, control characters (U+0000 too). */
const ESCAPED = /["\\\ud800-\udfff]|[^\u0020-\uffff]/;

/** A string as JSON writes it once stored; most need no JSON.stringify call (twice as fast). */
function quoted(text: string): string {
  return ESCAPED.test(text) ? JSON.stringify(withoutNul(text)) : `"${text}"`;
}

/** Undefined where JSON leaves the value out. */
function comparable(value: unknown): string | undefined {
  if (typeof value === 'string') return quoted(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value); // NaN, -0 and undefined as JSON writes them
  const prototype = Object.getPrototypeOf(value) as unknown;
  const plain =
    (Array.isArray(value)
      ? prototype === Array.prototype
      : prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function';
  if (!plain) {
    // Not parsed JSON (a Date, a boxed string): as JSON.stringify writes it.
    const json = JSON.stringify(value);
    return json === undefined ? undefined : comparable(JSON.parse(json));
  }
  if (Array.isArray(value)) return `[${value.map((v) => comparable(v) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.some((k) => k.includes(NUL))) return comparableWithNulKeys(record, keys);
  let out = '';
  for (const key of keys.sort()) {
    const written = comparable(record[key]);
    if (written !== undefined) out += `${out ? ',' : ''}${quoted(key)}:${written}`;
  }
  return `{${out}}`;
}

/** Keys that differ only in U+0000 against U+FFFD become one key, with the last one's value. */
function comparableWithNulKeys(record: Record<string, unknown>, keys: readonly string[]): string {
  const fields = new Map<string, string>();
  for (const key of keys) {
    const written = comparable(record[key]);
    if (written !== undefined) fields.set(withoutNul(key), written);
  }
  return `{${[...fields.keys()]
    .sort()
    .map((k) => `${quoted(k)}:${fields.get(k)}`)
    .join(',')}}`;
}
