/**
 * Passwordless login to Azure Database for PostgreSQL (DATABASE_AUTH=entra-…): a Microsoft Entra
 * access token for the server's audience is the password of each new connection. Tokens last
 * about an hour; the server checks one only at login, so a connection outlives its token, but a
 * new connection needs a token that is still valid. One token serves every new connection until
 * shortly before it expires, then the next login asks for a fresh one (if none comes, the one in
 * hand serves until a minute before it expires).
 */
import type { AccessToken, TokenCredential } from '@azure/identity';

/** The audience of Azure Database for PostgreSQL (and MySQL) Entra tokens. */
export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

/**
 * A token this close to its expiry is not used even when no fresh one can be had: a login
 * (at most connectTimeoutMs, 10 s by default) must finish before the server sees it expired.
 */
const STILL_VALID_MARGIN_MS = 60_000;

export interface EntraPasswordOptions {
  /** Ask for a fresh token this long before the current one expires (default 5 minutes). */
  refreshBeforeMs?: number;
  now?: () => number;
}

export class EntraPassword {
  private current: AccessToken | null = null;
  /** One request at a time: a burst of new connections shares it. */
  private asking: Promise<AccessToken> | null = null;

  constructor(
    private readonly credential: TokenCredential,
    private readonly options: EntraPasswordOptions = {},
  ) {}

  /** The password for a new connection (pg calls it at each login). */
  readonly password = async (): Promise<string> => {
    const current = this.current;
    if (current && this.now() < this.refreshAt(current)) return current.token;
    this.asking ??= this.ask().finally(() => (this.asking = null));
    try {
      return (await this.asking).token;
    } catch (err) {
      // Refreshing early must not refuse logins a token still in hand can make: a failed
      // refresh (Entra or the identity endpoint briefly unavailable) falls back to it until it
      // is about to expire; the next login asks again.
      const still = this.current;
      if (still && this.now() < still.expiresOnTimestamp - STILL_VALID_MARGIN_MS) return still.token;
      throw err;
    }
  };

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private refreshAt(token: AccessToken): number {
    const beforeExpiry = token.expiresOnTimestamp - (this.options.refreshBeforeMs ?? 300_000);
    // The credential may say when to refresh (MSAL: about half-way); never after the margin.
    return Math.min(token.refreshAfterTimestamp ?? beforeExpiry, beforeExpiry);
  }

  private async ask(): Promise<AccessToken> {
    let token: AccessToken | null;
    try {
      token = await this.credential.getToken(POSTGRES_ENTRA_SCOPE);
    } catch (err) {
      // Worded so that connectionFaults.ts counts it as a refused login (the database is unreachable).
      throw new Error(
        `no Microsoft Entra token for the database: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (!token) throw new Error('no Microsoft Entra token for the database: the credential gave none');
    this.current = token;
    return token;
  }
}
