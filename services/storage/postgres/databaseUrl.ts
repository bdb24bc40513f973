/**
 * DATABASE_URL: the PostgreSQL server the bot would use instead of SQLite. It carries a
 * password, so nothing here ever prints one: messages show the URL with `***` in its place, or
 * not at all when it cannot be read.
 */

const SCHEMES = ['postgres:', 'postgresql:'];
/** Query parameters of a libpq/pg connection string that hold secrets. */
const SECRET_PARAMS = ['password', 'sslpassword'];

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** The URL with its password (and secret parameters) replaced by `***`; `(unreadable URL)` when it does not parse. */
export function redactDatabaseUrl(raw: string): string {
  const url = parse(raw);
  if (!url) return '(unreadable URL, not shown)';
  if (url.password) url.password = '***';
  for (const name of SECRET_PARAMS) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
  // URLSearchParams encodes `***` as `%2A%2A%2A`: show it as written.
  return url.toString().replace(/%2A%2A%2A/g, '***');
}

const UNREADABLE =
  'must be a URL such as postgres://user:password@host:5432/database (this value could not be read as one; it is not shown, as it may hold a password)';

/** Why DATABASE_URL cannot be used, in words that never contain its password; null when it can. */
export function databaseUrlProblem(raw: string): string | null {
  const url = parse(raw);
  if (!url) return UNREADABLE;
  // Without `//` after it, the "scheme" may be a user name and the rest the password: show nothing.
  if (!url.href.startsWith(`${url.protocol}//`) || !/^[a-z][a-z0-9+.-]{0,19}:$/i.test(url.protocol))
    return UNREADABLE;
  if (!SCHEMES.includes(url.protocol))
    return `must be a postgres:// (or postgresql://) URL (got a ${url.protocol}// URL: ${redactDatabaseUrl(raw)})`;
  if (!url.hostname && !url.searchParams.get('host'))
    return `must name the database server's host, as in postgres://user@host:5432/database (got ${redactDatabaseUrl(raw)})`;
  return null;
}

/** Every occurrence of the URL's password (as written and decoded) in a text, replaced by `***`. */
export function withoutPassword(text: string, raw: string): string {
  const url = parse(raw);
  const secrets = [url?.password, ...SECRET_PARAMS.map((p) => url?.searchParams.get(p))]
    .filter((s): s is string => !!s)
    .flatMap((s) => {
      try {
        return [s, decodeURIComponent(s)];
      } catch {
        return [s];
      }
    })
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}
