import restify from 'restify';
import type { Store } from '../services/storage/repositories';
import {
  ForbiddenActivityError,
  InvalidActivityError,
  UnauthorizedError,
  type AuthenticatedRequest,
  type PartnerSupportAdapter,
  type TurnLogic,
} from './adapter';
import type { DatabaseFaults } from './databaseFaults';
import { EdgeLog } from './edgeLog';
import { FrozenJson } from './frozenJson';
import { errorFields, restifyLog, type Logger } from './logger';
import { drainBody, readJsonBody, RequestRejected } from './requestBody';

export interface HttpLimits {
  maxBodyBytes: number;
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export interface ServerDeps {
  adapter: PartnerSupportAdapter;
  logic: TurnLogic;
  store: Store;
  logger: Logger;
  /** The app's rate-limited log of database outages: a probe every few seconds is not a line each. */
  faults: DatabaseFaults;
  limits: HttpLimits;
}

/** Far deeper than any activity Teams sends (cards nest about 10 levels). */
const MAX_JSON_DEPTH = 64;

/**
 * HTTP: POST /api/messages for Bot Framework activities, GET /healthz for probes.
 * A request is refused as early and as cheaply as its fault allows: the token before the body,
 * the size before reading it, the encoding and depth before parsing, the shape before a turn.
 */
export function createServer(deps: ServerDeps): restify.Server {
  const { adapter, logic, store, logger, faults, limits } = deps;
  const server = restify.createServer({ name: 'partner-support-bot', log: restifyLog(logger) });
  applyHttpLimits(server, limits);
  const edge = new EdgeLog(logger);
  const answers = new FrozenJson();

  server.on(
    'restifyError',
    (req: restify.Request, _res: restify.Response, err: Error, callback: () => void) => {
      edge.warn('request rejected', { method: req.method, path: pathOf(req.url), reason: err.message });
      callback();
    },
  );

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    let context: Record<string, unknown> = {};
    try {
      const authenticated: AuthenticatedRequest = await adapter.authenticate(req.headers.authorization ?? '');
      const body = await readJsonBody(req, { maxBytes: limits.maxBodyBytes, maxDepth: MAX_JSON_DEPTH });
      context = activityContext(body);
      const outcome = await adapter.processBody(body, authenticated, logic);
      if (outcome.body === undefined) {
        res.status(outcome.status);
        res.end();
      } else {
        const json = answers.stringify(outcome.body) ?? 'null';
        res.sendRaw(outcome.status, json, {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(json)),
        });
      }
    } catch (err) {
      // Callers get a generic body; the detail goes to the log, never a stack or an SDK message.
      const refusal = refusalOf(err);
      if (refusal) {
        edge.warn(refusal.log, { ...context, reason: refusal.reason });
        await answer(req, res, refusal.status, { error: refusal.body }, limits.maxBodyBytes);
      } else {
        logger.error('request failed', { ...context, ...errorFields(err) });
        await answer(
          req,
          res,
          500,
          { error: 'The bot could not process this activity.' },
          limits.maxBodyBytes,
        );
      }
    }
  });

  // Reachability probes (the Agents Playground sends one before it connects): no turn, no warning.
  server.head('/api/messages', async (_req: restify.Request, res: restify.Response) => {
    res.status(200);
    res.end();
  });

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    try {
      // One indexed lookup proves the database answers (tenant ids are GUIDs: none is
      // 'health-probe'); listing every organisation sorted 10,000 rows per probe on a large one.
      await store.read((tx) => tx.organisations.get('health-probe'));
      res.send(200, { status: 'ok' });
    } catch (err) {
      if (!faults.recognise(err, { probe: '/healthz' }))
        logger.error('health check failed', errorFields(err));
      res.send(503, { status: 'unavailable' });
    }
  });

  return server;
}

/**
 * Node's own timers answer 408 to a request whose headers or body come too slowly; they are
 * checked every second (Node's default is every 30 s), and the connection cap closes sockets
 * beyond it at once. Set before listen, which is when Node starts its checks.
 */
function applyHttpLimits(server: restify.Server, limits: HttpLimits): void {
  const http = server.server as import('node:http').Server & { connectionsCheckingInterval: number };
  http.headersTimeout = limits.headersTimeoutMs;
  http.requestTimeout = limits.requestTimeoutMs;
  http.keepAliveTimeout = limits.keepAliveTimeoutMs;
  http.connectionsCheckingInterval = Math.min(1000, limits.headersTimeoutMs);
  http.maxConnections = limits.maxConnections;
  http.maxHeadersCount = 100;
}

interface Refusal {
  status: number;
  body: string;
  log: string;
  reason: string;
}

function refusalOf(err: unknown): Refusal | null {
  if (err instanceof UnauthorizedError)
    return {
      status: 401,
      body: 'Unauthorized',
      log: 'request refused: authentication failed',
      reason: err.message,
    };
  if (err instanceof RequestRejected)
    return {
      status: err.status,
      body: BODIES[err.status] ?? 'Bad request.',
      log: 'request rejected',
      reason: err.reason,
    };
  if (err instanceof InvalidActivityError)
    return {
      status: 400,
      body: 'Not a valid Bot Framework activity.',
      log: 'activity rejected',
      reason: err.message,
    };
  if (err instanceof ForbiddenActivityError)
    return { status: 403, body: 'Forbidden', log: 'activity refused', reason: err.message };
  return null;
}

const BODIES: Record<number, string> = {
  400: 'Not a valid Bot Framework activity.',
  408: 'Request timed out.',
  413: 'Request body too large.',
  415: 'Send JSON (application/json, UTF-8), uncompressed or gzip, deflate or br.',
};

/**
 * Answers unless the client is gone. A body refused before it was read is first drained (up to
 * the body cap, within the request timeout), so that the connection stays in step: answering
 * while a client still sends its body, even with `Connection: close`, let a kept-alive client
 * start its next request on a socket the server had stopped reading, which then got a 408.
 * A body larger than the cap still closes the connection after the answer.
 */
async function answer(
  req: restify.Request,
  res: restify.Response,
  status: number,
  body: unknown,
  maxBytes: number,
): Promise<void> {
  if (!req.complete && !(await drainBody(req, maxBytes))) res.header('Connection', 'close');
  if (res.headersSent || res.destroyed || req.socket.destroyed) return;
  res.send(status, body);
}

/** What a log line may say about an activity: its id and type, short, never its content. */
function activityContext(body: unknown): Record<string, unknown> {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as { id?: unknown; type?: unknown };
  const clip = (v: unknown) => (typeof v === 'string' ? v.slice(0, 128) : undefined);
  return { activityId: clip(fields.id), activityType: clip(fields.type) };
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0].slice(0, 200);
}
