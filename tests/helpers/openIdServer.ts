/**
 * A local stand-in for the Bot Framework's token metadata: an OpenID configuration and a JWKS
 * on loopback, with keys endorsed for channels as the real ones are, and a signer for tokens as
 * the Bot Connector issues them (RS256, aud = the bot's app id, a serviceurl claim).
 */
import crypto, { type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';

export const ISSUER = 'https://api.botframework.test';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  endorsements: string[];
}

export interface OpenIdServer {
  url: string;
  /** Keys published in the JWKS: 'teams' (endorsed for msteams), 'directline' (endorsed for directline only). */
  keys: Record<'teams' | 'directline', SigningKey>;
  /** A key the JWKS does not publish, with the kid of the Teams key (a forged signature). */
  rogue: SigningKey;
  /** What the bot's adapter needs to validate tokens against this server instead of the cloud. */
  authOverrides: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  close(): Promise<void>;
}

function makeKey(kid: string, endorsements: string[]): SigningKey {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, endorsements };
}

export async function startOpenIdServer(): Promise<OpenIdServer> {
  const keys = { teams: makeKey('teams-key', ['msteams']), directline: makeKey('dl-key', ['directline']) };
  const rogue = makeKey('teams-key', ['msteams']);
  const jwks = {
    keys: Object.values(keys).map((k) => {
      const jwk = crypto.createPublicKey(k.privateKey).export({ format: 'jwk' });
      return { kty: 'RSA', use: 'sig', kid: k.kid, n: jwk.n, e: jwk.e, endorsements: k.endorsements };
    }),
  };
  let url = '';
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration')
      res.end(
        JSON.stringify({
          issuer: ISSUER,
          jwks_uri: `${url}/v1/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    else if (req.url === '/v1/keys') res.end(JSON.stringify(jwks));
    else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    keys,
    rogue,
    authOverrides: authOverridesFor(url),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the bot's adapter needs to validate tokens against the server at `url` (also in a bot process: tests/helpers/botInstance.ts). */
export function authOverridesFor(url: string): Partial<ConfigurationBotFrameworkAuthenticationOptions> {
  return {
    ToBotFromChannelOpenIdMetadataUrl: `${url}/v1/.well-known/openidconfiguration`,
    ToBotFromEmulatorOpenIdMetadataUrl: `${url}/v1/.well-known/openidconfiguration`,
    ToBotFromChannelTokenIssuer: ISSUER,
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToChannelFromBotLoginUrl: `${url}/login`,
    CallerId: 'urn:botframework:azure',
  };
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A token as the Bot Connector signs it; `claims` and `header` override or add fields. */
export function signToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header });
  const body = b64({ iss: ISSUER, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims });
  const signature = crypto
    .sign('sha256', Buffer.from(`${head}.${body}`), key.privateKey)
    .toString('base64url');
  return `${head}.${body}.${signature}`;
}

/** The same token with its payload replaced after signing (the signature no longer matches). */
export function tamper(token: string, claims: Record<string, unknown>): string {
  const [head, body, sig] = token.split('.');
  const payload = { ...(JSON.parse(Buffer.from(body, 'base64url').toString()) as object), ...claims };
  return `${head}.${b64(payload)}.${sig}`;
}

/** A token signed with HMAC and the given secret (the "RSA public key as HS256 secret" trick). */
export function signHmac(kid: string, secret: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT', kid });
  const body = b64({ iss: ISSUER, nbf: now - 60, exp: now + 3600, ...claims });
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** An unsigned token (alg none) that names a real key id. */
export function unsigned(kid: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64({ iss: ISSUER, nbf: now - 60, exp: now + 3600, ...claims })}.`;
}

/** The public key of a signing key, as PEM (what an attacker can read from the JWKS). */
export function publicPem(key: SigningKey): string {
  return crypto.createPublicKey(key.privateKey).export({ format: 'pem', type: 'spki' }).toString();
}
