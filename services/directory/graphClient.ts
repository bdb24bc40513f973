/**
 * A few GETs to Microsoft Graph with an app-only token for the person's own tenant. Plain HTTPS,
 * no Graph SDK: one deadline for a whole role check (token, pages and retries), 429/503/504
 * retried only when their Retry-After fits before it, and every failure turned into one of two
 * refusals the person can understand (RoleCheckUnavailableError, ConsentRequiredError).
 */
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { TokenCredential } from '@azure/identity';
import { ConsentRequiredError, RoleCheckUnavailableError } from '../domain/errors';
import { parseRetryAfter } from '../net/retryAfter';

export interface GraphClientOptions {
  /** https://graph.microsoft.com, or a local fake in tests. */
  baseUrl: string;
  credential: TokenCredential;
  /** One role check, everything included. */
  timeoutMs: number;
  maxRetries: number;
  /** The admin-consent address for a tenant that has not consented. */
  consentUrl: (tenantId: string) => string;
  /** Extra trusted CA (tests' local Graph); the system's CAs otherwise. */
  ca?: string;
}

/** When the work for one role check must be done. */
export interface Deadline {
  at: number;
  signal: AbortSignal;
}

const MAX_PAGES = 20;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const RETRIED = new Set([429, 503, 504]);

/**
 * Sign-in answers that mean the app is not (yet) in that tenant or not allowed there:
 * 700016 app not found in the directory, 7000229 no service principal, 65001 no consent,
 * 500011 the resource is not in the tenant, 90094/90099 admin consent needed.
 */
const NOT_CONSENTED = /AADSTS(700016|7000229|65001|500011|90094|90099)\b/;

interface Response {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

export class GraphClient {
  private readonly scope: string;
  private readonly origin: string;
  /** Kept-alive connections: a role check is three GETs, and a TLS handshake costs more than each. */
  private readonly agent: https.Agent;

  constructor(private readonly o: GraphClientOptions) {
    this.scope = `${o.baseUrl}/.default`;
    this.origin = new URL(o.baseUrl).origin;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: o.ca });
  }

  /** Closes idle kept-alive connections (the app's close). */
  close(): void {
    this.agent.destroy();
  }

  deadline(): Deadline {
    return { at: performance.now() + this.o.timeoutMs, signal: AbortSignal.timeout(this.o.timeoutMs) };
  }

  /** One object; null when Graph says it does not exist (404). */
  async get<T>(tenantId: string, path: string, deadline: Deadline): Promise<T | null> {
    return (await this.call(tenantId, `${this.o.baseUrl}${path}`, deadline)) as T | null;
  }

  /** Every page of a collection; null when the object it belongs to does not exist (404). */
  async list<T>(tenantId: string, path: string, deadline: Deadline): Promise<T[] | null> {
    const items: T[] = [];
    let url: string | undefined = `${this.o.baseUrl}${path}`;
    for (let page = 0; url; page++) {
      if (page === MAX_PAGES) throw new RoleCheckUnavailableError(`more than ${MAX_PAGES} pages at ${path}`);
      const body = (await this.call(tenantId, url, deadline)) as {
        value?: T[];
        '@odata.nextLink'?: string;
      } | null;
      if (body === null) return page === 0 ? null : items;
      items.push(...(Array.isArray(body.value) ? body.value : []));
      url = body['@odata.nextLink'];
      // The token goes to Graph only, whatever a response says.
      if (url && !url.startsWith(`${this.origin}/`))
        throw new RoleCheckUnavailableError('a next page outside Graph');
    }
    return items;
  }

  private async call(tenantId: string, url: string, deadline: Deadline): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(tenantId, deadline);
      let res: Response;
      try {
        res = await this.send(url, token, deadline);
      } catch (err) {
        // A kept-alive connection the server closed just as it was reused: once more on a new one.
        if (err instanceof ConnectionReset && attempt < this.o.maxRetries && !deadline.signal.aborted)
          continue;
        throw err instanceof ConnectionReset ? new RoleCheckUnavailableError(err.message) : err;
      }
      if (res.status === 200) {
        try {
          return JSON.parse(res.body) as unknown;
        } catch {
          throw new RoleCheckUnavailableError('Graph answered 200 with a body that is not JSON');
        }
      }
      if (res.status === 404) return null;
      if (res.status === 403 && /Authorization_RequestDenied|Authorization_IdentityNotFound/.test(res.body))
        throw new ConsentRequiredError(tenantId, this.o.consentUrl(tenantId)); // the permissions were not consented
      if (RETRIED.has(res.status) && attempt < this.o.maxRetries) {
        const wait = parseRetryAfter(res.retryAfter) ?? 250 * 2 ** attempt;
        if (performance.now() + wait < deadline.at) {
          await sleep(wait, deadline.signal);
          continue;
        }
      }
      throw new RoleCheckUnavailableError(`Graph answered ${res.status}${graphCode(res.body)}`);
    }
  }

  /** MSAL (inside @azure/identity) caches tokens per tenant and renews them before they expire. */
  private async token(tenantId: string, deadline: Deadline): Promise<string> {
    try {
      const got = await raceDeadline(
        this.o.credential.getToken(this.scope, { tenantId, abortSignal: deadline.signal }),
        deadline,
      );
      if (!got?.token) throw new Error('no token');
      return got.token;
    } catch (err) {
      const text = describe(err);
      if (NOT_CONSENTED.test(text)) throw new ConsentRequiredError(tenantId, this.o.consentUrl(tenantId));
      throw new RoleCheckUnavailableError(`token: ${text.slice(0, 300)}`);
    }
  }

  private send(url: string, token: string, deadline: Deadline): Promise<Response> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => reject(new RoleCheckUnavailableError(why));
      if (deadline.signal.aborted) return fail('Graph: out of time');
      const req = https.request(
        url,
        {
          method: 'GET',
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          agent: this.agent,
          signal: deadline.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) res.destroy(new Error('Graph answer too large'));
            else chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: header(res.headers['retry-after']),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', (err) => fail(`Graph: ${describe(err)}`));
        },
      );
      req.on('error', (err) => {
        const code = (err as NodeJS.ErrnoException).code;
        if (!deadline.signal.aborted && (code === 'ECONNRESET' || code === 'EPIPE') && req.reusedSocket)
          reject(new ConnectionReset(`Graph: ${describe(err)}`));
        else fail(deadline.signal.aborted ? 'Graph: out of time' : `Graph unreachable: ${describe(err)}`);
      });
      req.end();
    });
  }
}

class ConnectionReset extends Error {}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Graph's error code (e.g. Request_ResourceNotFound) for the log, never the whole body. */
function graphCode(body: string): string {
  const m = /"code"\s*:\s*"([A-Za-z_.]{1,64})"/.exec(body);
  return m ? ` ${m[1]}` : '';
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return `${err.name}${code ? ` ${code}` : ''}: ${err.message}`;
}

function raceDeadline<T>(work: Promise<T>, deadline: Deadline): Promise<T> {
  if (deadline.signal.aborted) return Promise.reject(new Error('out of time'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('out of time getting a token'));
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => deadline.signal.removeEventListener('abort', onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RoleCheckUnavailableError('Graph: out of time'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
