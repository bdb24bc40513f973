/**
 * Bounds on every call the bot makes to the Bot Connector (turn replies and proactive alerts),
 * so that a connector that hangs or throttles cannot pin a turn, and with it the request
 * Teams sent.
 *
 * What botframework-connector 4.23 does by itself (its ConnectorClient is an @azure/core-client
 * ServiceClient with the default pipeline): no timeout at all (`request.timeout` is 0), and a
 * retry policy that retries 429/503 three times, waiting whatever Retry-After says (a server
 * answering `Retry-After: 3600` holds the turn for three hours), and 5xx/408 and reset
 * connections three times with exponential waits up to 64 s.
 *
 * Here instead: one deadline for the whole call (`REPLY_TIMEOUT_MS`, retries and token
 * acquisition included; it also covers a response whose body never ends), at most
 * `REPLY_MAX_RETRIES` retries, only for statuses Teams documents as transient, and a
 * Retry-After is honoured only when it is short and fits before the deadline; otherwise the
 * response is returned at once and the caller decides (a turn logs it, the alert dispatcher
 * requeues the alert with that Retry-After).
 */
import { performance } from 'node:perf_hooks';
import { parseRetryAfter } from '../services/net/retryAfter';
import type { ConnectorClient } from 'botframework-connector';

export interface ReplyLimits {
  /** The most one call may take, retries included (ms). */
  timeoutMs: number;
  maxRetries: number;
}

/** The longest Retry-After (or back-off) worth waiting inside a call; longer ones fail fast. */
export const MAX_RETRY_WAIT_MS = 5_000;
/** Transient failures per Teams' guidance; a 500 may have been delivered, so it is not resent. */
const RETRIED_STATUSES = new Set([412, 429, 502, 503, 504]);
/** Failures where the request cannot have reached the connector, or the connection broke first. */
const RETRIED_NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET']);
const SDK_RETRY_POLICY = 'defaultRetryPolicy';
export const RETRY_POLICY = 'boundedConnectorRetries';
const DEADLINE_POLICY = 'connectorDeadline';

/** The connector did not finish a call within REPLY_TIMEOUT_MS. */
export class ReplyTimeoutError extends Error {
  override readonly name = 'ReplyTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the Bot Connector did not answer within ${timeoutMs} ms`);
  }
}

/** A failure of the call to the connector itself (timeout, refused, an error status): sending again now would fail too. */
export function isReplyFailure(err: unknown): boolean {
  return err instanceof ReplyTimeoutError || (err instanceof Error && err.name === 'RestError');
}

/** Log fields for a reply failure: status and code, never the request (it carries the bot's token). */
export function replyFailureFields(err: unknown): Record<string, unknown> {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; statusCode?: unknown; code?: unknown };
  return { errorName: e.name, error: e.message, statusCode: e.statusCode, code: e.code };
}

// The few shapes used from @azure/core-rest-pipeline (botframework-connector's dependency, not ours).
interface PipelineRequest {
  abortSignal?: AbortSignal;
}
interface PipelineResponse {
  status: number;
  headers: { get(name: string): string | undefined };
}
type SendRequest = (request: PipelineRequest) => Promise<PipelineResponse>;
interface PipelinePolicy {
  name: string;
  sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse>;
}
interface Pipeline {
  addPolicy(policy: PipelinePolicy, options?: { phase?: 'Serialize' | 'Retry' }): void;
  removePolicy(options: { name: string }): PipelinePolicy[];
}

/** The client keeps its pipeline in a field its typings do not show (the alert sender relied on it already). */
function pipelineOf(client: ConnectorClient): Pipeline {
  const pipeline = (client as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  // Fail loudly rather than send unbounded: this only breaks if the SDK's internals change.
  if (!pipeline) throw new Error('ConnectorClient has no HTTP pipeline: cannot bound its calls');
  return pipeline;
}

/** Replaces the client's retry policy by the bounded one and puts a deadline around every call. */
export function boundConnectorClient(client: ConnectorClient, limits: ReplyLimits): ConnectorClient {
  const pipeline = pipelineOf(client);
  // Per client, so nothing lives at module level: when each call's deadline falls.
  const deadlines = new WeakMap<PipelineRequest, number>();
  pipeline.removePolicy({ name: SDK_RETRY_POLICY });
  // The Serialize phase runs first, so the deadline also covers signing (token acquisition).
  pipeline.addPolicy(deadlinePolicy(limits.timeoutMs, deadlines), { phase: 'Serialize' });
  pipeline.addPolicy(retryPolicy(limits.maxRetries, deadlines), { phase: 'Retry' });
  return client;
}

/** For callers that own retries (the alert dispatcher): no retry inside the call; the deadline stays. */
export function withoutRetries(client: ConnectorClient): void {
  pipelineOf(client).removePolicy({ name: RETRY_POLICY });
  pipelineOf(client).removePolicy({ name: SDK_RETRY_POLICY });
}

function deadlinePolicy(timeoutMs: number, deadlines: WeakMap<PipelineRequest, number>): PipelinePolicy {
  return {
    name: DEADLINE_POLICY,
    async sendRequest(request, next) {
      const controller = new AbortController();
      const outer = request.abortSignal;
      const forward = () => controller.abort();
      outer?.addEventListener('abort', forward);
      request.abortSignal = controller.signal;
      deadlines.set(request, performance.now() + timeoutMs);
      let timer: NodeJS.Timeout | undefined;
      // A race, not only the abort: whatever inside ignores the signal still cannot hold the caller.
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort(); // closes the socket: nothing is left hanging
          reject(new ReplyTimeoutError(timeoutMs));
        }, timeoutMs);
      });
      try {
        return await Promise.race([next(request), expired]);
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', forward);
        request.abortSignal = outer;
      }
    },
  };
}

function retryPolicy(maxRetries: number, deadlines: WeakMap<PipelineRequest, number>): PipelinePolicy {
  return {
    name: RETRY_POLICY,
    async sendRequest(request, next) {
      for (let retry = 0; ; retry++) {
        let response: PipelineResponse | undefined;
        let error: unknown;
        try {
          response = await next(request);
        } catch (err) {
          error = err;
        }
        const transient = response
          ? RETRIED_STATUSES.has(response.status)
          : RETRIED_NETWORK_ERRORS.has(String((error as { code?: unknown } | undefined)?.code));
        const wait = (response && retryAfterMs(response)) ?? 500 * 2 ** retry;
        const left = (deadlines.get(request) ?? Infinity) - performance.now();
        if (!transient || retry >= maxRetries || wait > MAX_RETRY_WAIT_MS || wait >= left) {
          if (response) return response;
          throw error;
        }
        await delay(wait, request.abortSignal);
      }
    },
  };
}

/** Retry-After in ms (seconds or an HTTP date; also the Azure ms variants), undefined when absent or unreadable. */
function retryAfterMs(response: PipelineResponse): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(response.headers.get(name));
    if (response.headers.get(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  return parseRetryAfter(response.headers.get('retry-after'));
}

export { parseRetryAfter }; // one parser for replies, alerts and Microsoft Graph

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
