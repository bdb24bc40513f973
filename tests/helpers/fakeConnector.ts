/**
 * A local fake of the Bot Connector REST service (what `serviceUrl` points at in Teams), for tests of
 * proactive messaging. It records what the bot sends, enforces Teams' per-conversation and per-tenant
 * rate limits with sliding windows (answering 429 + Retry-After like the real service), and can be told
 * to answer the next sends to a conversation with an error status (403 bot blocked, 404 gone, 5xx...).
 *
 * Routes (the ones botframework-connector's ConnectorClient uses):
 * - POST /v3/conversations/{conversationId}/activities               sendToConversation
 * - POST /v3/conversations/{conversationId}/activities/{activityId}  replyToActivity
 * - PUT  /v3/conversations/{conversationId}/activities/{activityId}  updateActivity
 * - POST /v3/conversations                                           createConversation
 * - GET  /v3/conversations/{conversationId}/members/{memberId}        getConversationMember (TeamsInfo.getMember),
 *   answered from `members` (by member id), 404 MemberNotFoundInConversation otherwise
 * Those three activity routes are "sends": scripted statuses and rate limits apply to them and accepted
 * ones are recorded in `messages`. createConversation is neither scripted nor limited; if its body carries
 * an initial `activity`, that activity is recorded as a message to the new conversation.
 * Anything else (including POST .../activities/history) answers 404.
 * `hang` makes the next sends to a conversation never answer (a connector that is down behind a
 * load balancer), or answer 200 and never finish the body; `close` drops those sockets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter, type PartnerSupportAdapter } from '../../bot/adapter';
import type { Logger } from '../../bot/logger';
import { loadConfig } from '../../services/config';
import { performance } from 'node:perf_hooks';
import { REPLY_LOG } from './internalTokens';

export interface RecordedMessage {
  conversationId: string;
  tenantId: string | null;
  activity: Record<string, unknown>;
  at: number /* performance.now() ms */;
}

export type ScriptedStatus = 403 | 404 | 412 | 429 | 500 | 502 | 503 | 504;

export interface FakeConnectorOptions {
  /** Per-tenant global budget, requests per second (default 50). */
  tenantRatePerSecond?: number;
  /** Per-conversation windows; default Teams' limits [{limit:7,windowMs:1000},{limit:8,windowMs:2000},{limit:60,windowMs:30000}]. */
  conversationWindows?: { limit: number; windowMs: number }[];
  /** Value of Retry-After (seconds) on a 429 from a limit; default computed: seconds until the oldest request leaves the window, rounded up, min 1. */
  retryAfterSeconds?: number;
  /** An accepted send is recorded on arrival and answered this much later (a connector's latency: the window where a message has arrived and its sender does not know yet). */
  acceptedAnswerDelayMs?: number;
}

export interface FakeConnector {
  url: string; // e.g. http://127.0.0.1:PORT (serviceUrl to put in conversation references; no trailing slash)
  messages: RecordedMessage[]; // every ACCEPTED message (2xx)
  violations: { conversationId: string; tenantId: string | null; rule: string; at: number }[]; // every request refused with 429 because a limit would have been exceeded
  requests: number; // all requests received on activity routes
  /** The next `times` sends to this conversation answer `status` (then normal again). times default 1; Infinity allowed (e.g. 403 forever = bot blocked). */
  script(conversationId: string, status: ScriptedStatus, times?: number, retryAfterSeconds?: number): void;
  /** The next `times` sends to this conversation never answer ('silent'), or send a 200 status and headers but never the whole body ('body'); times 0 stops. Counted in `hung`, not in `messages`. */
  hang(conversationId: string, times?: number, how?: 'silent' | 'body'): void;
  /** How many sends were left hanging. */
  hung: number;
  messagesTo(conversationId: string): RecordedMessage[];
  /** The roster, by member id (29:…): what TeamsInfo.getMember gets (id, name, aadObjectId, email, userPrincipalName). */
  members: Map<string, Record<string, unknown>>;
  /** Member ids asked for, in order. */
  memberLookups: string[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const TENANT_WINDOW_MS = 1000;
const DEFAULT_WINDOWS: readonly { limit: number; windowMs: number }[] = [
  { limit: 7, windowMs: 1000 },
  { limit: 8, windowMs: 2000 },
  { limit: 60, windowMs: 30000 },
];

const ERROR_CODES: Record<number, { code: string; message: string }> = {
  400: { code: 'BadArgument', message: 'The request body is not valid JSON.' },
  403: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' },
  404: { code: 'ConversationNotFound', message: 'Conversation not found.' },
  412: { code: 'PreconditionFailed', message: 'The request precondition failed.' },
  413: { code: 'RequestEntityTooLarge', message: 'The request body is larger than 1 MB.' },
  429: {
    code: 'ThrottledRequest',
    message: 'Too many requests. Retry after the number of seconds in Retry-After.',
  },
  500: { code: 'InternalServerError', message: 'An internal server error occurred.' },
  502: { code: 'BadGateway', message: 'Bad gateway.' },
  503: { code: 'ServiceUnavailable', message: 'The service is unavailable.' },
  504: { code: 'GatewayTimeout', message: 'Gateway timeout.' },
};

interface Script {
  status: ScriptedStatus;
  remaining: number;
  retryAfterSeconds: number;
}

type Route =
  | { kind: 'send'; conversationId: string }
  | { kind: 'reply'; conversationId: string; activityId: string }
  | { kind: 'update'; conversationId: string; activityId: string }
  | { kind: 'create' }
  | { kind: 'member'; memberId: string }
  | { kind: 'unknown' }
  | { kind: 'badPath' };

function debug(message: string): void {
  if (process.env.FAKE_CONNECTOR_DEBUG) console.log(`[fake-connector] ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** activity.conversation.tenantId, else activity.channelData.tenant.id, else null. */
function tenantOf(activity: Record<string, unknown>): string | null {
  const conversation = activity.conversation;
  if (isRecord(conversation)) {
    const t = nonEmptyString(conversation.tenantId);
    if (t !== null) return t;
  }
  const channelData = activity.channelData;
  if (isRecord(channelData) && isRecord(channelData.tenant)) {
    const t = nonEmptyString(channelData.tenant.id);
    if (t !== null) return t;
  }
  return null;
}

/** createConversation carries the tenant in parameters.tenantId or parameters.channelData.tenant.id. */
function tenantOfCreate(parameters: Record<string, unknown>): string | null {
  const t = nonEmptyString(parameters.tenantId);
  if (t !== null) return t;
  return tenantOf(parameters);
}

function route(method: string, rawUrl: string): Route {
  const pathname = new URL(rawUrl, 'http://fake.invalid').pathname.replace(/^\/+/, '');
  const segments = pathname.replace(/\/+$/, '').split('/');
  if (segments[0] !== 'v3' || segments[1] !== 'conversations') return { kind: 'unknown' };
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return { kind: 'badPath' };
  }
  const [, , conversationId, activities, activityId] = decoded;
  if (segments.length === 2) return method === 'POST' ? { kind: 'create' } : { kind: 'unknown' };
  if (segments.length === 5 && activities === 'members' && method === 'GET' && activityId)
    return { kind: 'member', memberId: activityId };
  if (!conversationId || activities !== 'activities') return { kind: 'unknown' };
  if (segments.length === 4)
    return method === 'POST' ? { kind: 'send', conversationId } : { kind: 'unknown' };
  if (segments.length === 5 && activityId) {
    // POST .../activities/history is sendConversationHistory, which this fake does not implement.
    if (method === 'POST' && activityId !== 'history') return { kind: 'reply', conversationId, activityId };
    if (method === 'PUT') return { kind: 'update', conversationId, activityId };
  }
  return { kind: 'unknown' };
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendError(
  res: http.ServerResponse,
  status: number,
  message?: string,
  headers: Record<string, string> = {},
): void {
  const known = ERROR_CODES[status] ?? { code: 'Error', message: `HTTP ${status}` };
  send(res, status, { error: { code: known.code, message: message ?? known.message } }, headers);
}

/** Reads the body; resolves null when it is larger than MAX_BODY_BYTES (the rest is drained, not kept). */
function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const tenantRate = options.tenantRatePerSecond ?? 50;
  const windows = (options.conversationWindows ?? DEFAULT_WINDOWS).map((w) => ({ ...w }));
  const longestWindowMs = Math.max(TENANT_WINDOW_MS, ...windows.map((w) => w.windowMs));

  const conversationSends = new Map<string, number[]>(); // accepted send times, ascending
  const tenantSends = new Map<string | null, number[]>();
  const scripts = new Map<string, Script[]>();
  const hangs = new Map<string, { remaining: number; how: 'silent' | 'body' }>();
  let activityCounter = 0;
  let conversationCounter = 0;

  const server = http.createServer();
  let url = '';

  const fake: FakeConnector = {
    url: '',
    messages: [],
    violations: [],
    requests: 0,
    script(conversationId, status, times = 1, retryAfterSeconds = 1) {
      if (!(times > 0)) return;
      const queue = scripts.get(conversationId) ?? [];
      queue.push({ status, remaining: times, retryAfterSeconds });
      scripts.set(conversationId, queue);
    },
    hang(conversationId, times = 1, how = 'silent') {
      if (times > 0) hangs.set(conversationId, { remaining: times, how });
      else hangs.delete(conversationId);
    },
    hung: 0,
    messagesTo(conversationId) {
      return fake.messages.filter((m) => m.conversationId === conversationId);
    },
    members: new Map(),
    memberLookups: [],
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  function nextActivityId(): string {
    activityCounter += 1;
    return `1:fake-activity-${activityCounter}`;
  }

  function takeScript(conversationId: string): Script | null {
    const queue = scripts.get(conversationId);
    const head = queue?.[0];
    if (!queue || !head) return null;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    if (queue.length === 0) scripts.delete(conversationId);
    return head;
  }

  function recent(times: number[] | undefined, now: number, windowMs: number): number[] {
    return (times ?? []).filter((t) => t > now - windowMs);
  }

  /** The first limit the send would break, with how long until it would be accepted; null when within all limits. */
  function checkLimits(
    conversationId: string,
    tenantId: string | null,
    now: number,
  ): { rule: string; waitMs: number } | null {
    const broken: { rule: string; waitMs: number }[] = [];
    const inspect = (times: number[] | undefined, limit: number, windowMs: number, rule: string) => {
      const inWindow = recent(times, now, windowMs);
      if (inWindow.length >= limit) {
        // The send fits once enough of the oldest have left the window.
        const mustLeave = inWindow[inWindow.length - limit] ?? now;
        broken.push({ rule, waitMs: mustLeave + windowMs - now });
      }
    };
    for (const w of windows) {
      inspect(
        conversationSends.get(conversationId),
        w.limit,
        w.windowMs,
        `conversation ${w.limit}/${w.windowMs}ms`,
      );
    }
    inspect(
      tenantSends.get(tenantId),
      tenantRate,
      TENANT_WINDOW_MS,
      `tenant ${tenantRate}/${TENANT_WINDOW_MS}ms`,
    );
    const first = broken[0];
    if (!first) return null;
    return { rule: first.rule, waitMs: Math.max(...broken.map((b) => b.waitMs)) };
  }

  function accept(
    conversationId: string,
    tenantId: string | null,
    activity: Record<string, unknown>,
    now: number,
  ) {
    const conv = recent(conversationSends.get(conversationId), now, longestWindowMs);
    conv.push(now);
    conversationSends.set(conversationId, conv);
    const ten = recent(tenantSends.get(tenantId), now, TENANT_WINDOW_MS);
    ten.push(now);
    tenantSends.set(tenantId, ten);
    fake.messages.push({ conversationId, tenantId, activity, at: now });
    REPLY_LOG.record(undefined, [activity]); // proactive messages are scanned for internal tokens too
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const r = route(method, req.url ?? '/');
    if (r.kind === 'send' || r.kind === 'reply' || r.kind === 'update') fake.requests += 1;
    const body = await readBody(req);
    debug(`${method} ${req.url ?? ''} -> ${r.kind}`);

    if (r.kind === 'unknown') {
      sendError(res, 404, `No route for ${method} ${req.url ?? ''}`);
      return;
    }
    if (r.kind === 'badPath') {
      sendError(res, 400, 'The conversation id in the path is not valid percent-encoding.');
      return;
    }
    if (r.kind === 'member') {
      fake.memberLookups.push(r.memberId);
      const member = fake.members.get(r.memberId);
      if (member) send(res, 200, member);
      else
        send(res, 404, {
          error: { code: 'MemberNotFoundInConversation', message: 'The member is not in the conversation.' },
        });
      return;
    }
    if (body === null) {
      sendError(res, 413);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      sendError(res, 400);
      return;
    }
    if (!isRecord(parsed)) {
      sendError(res, 400, 'The request body must be a JSON object.');
      return;
    }

    if (r.kind === 'create') {
      conversationCounter += 1;
      const id = `a:fake-conversation-${conversationCounter}`;
      const initial = parsed.activity;
      if (isRecord(initial)) {
        REPLY_LOG.record(undefined, [initial]);
        fake.messages.push({
          conversationId: id,
          tenantId: tenantOf(initial) ?? tenantOfCreate(parsed),
          activity: initial,
          at: performance.now(),
        });
      }
      const result: Record<string, unknown> = { id, serviceUrl: url };
      if (isRecord(initial)) result.activityId = nextActivityId();
      send(res, 200, result);
      return;
    }

    const { conversationId } = r;
    const hang = hangs.get(conversationId);
    if (hang) {
      hang.remaining -= 1;
      if (hang.remaining <= 0) hangs.delete(conversationId);
      fake.hung += 1;
      debug(`hanging (${hang.how}) on ${conversationId}`);
      if (hang.how === 'body') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': '1000' });
        res.write('{"id":"');
      }
      return; // never ended: only close() drops the socket
    }
    const tenantId = tenantOf(parsed);
    const scripted = takeScript(conversationId);
    if (scripted) {
      debug(`scripted ${scripted.status} for ${conversationId}`);
      const headers: Record<string, string> =
        scripted.status === 429 ? { 'Retry-After': String(scripted.retryAfterSeconds) } : {};
      sendError(res, scripted.status, undefined, headers);
      return;
    }

    const now = performance.now();
    const broken = checkLimits(conversationId, tenantId, now);
    if (broken) {
      const retryAfter = options.retryAfterSeconds ?? Math.max(1, Math.ceil(broken.waitMs / 1000));
      fake.violations.push({ conversationId, tenantId, rule: broken.rule, at: now });
      debug(
        `429 ${broken.rule} for ${conversationId} (tenant ${String(tenantId)}), Retry-After ${retryAfter}`,
      );
      sendError(res, 429, `Rate limit exceeded: ${broken.rule}.`, { 'Retry-After': String(retryAfter) });
      return;
    }

    accept(conversationId, tenantId, parsed, now);
    const id = r.kind === 'update' ? r.activityId : nextActivityId();
    if (options.acceptedAnswerDelayMs)
      await new Promise((resolve) => setTimeout(resolve, options.acceptedAnswerDelayMs));
    send(res, 200, { id });
  }

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      debug(`handler error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendError(res, 500);
      else res.destroy();
    });
  });

  return new Promise<FakeConnector>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      url = `http://127.0.0.1:${address.port}`;
      fake.url = url;
      debug(`listening on ${url}`);
      resolve(fake);
    });
  });
}

/** The bot's adapter with authentication off, as it talks to this fake connector in tests and benchmarks; `env` adds settings (REPLY_TIMEOUT_MS...). */
export function localAdapter(logger: Logger, env: Record<string, string> = {}): PartnerSupportAdapter {
  return createAdapter(loadConfig({ NODE_ENV: 'development', SEED_ORGANISATION: 'none', ...env }), logger);
}
