import restify from 'restify';
import type { CloudAdapter, Response as BotResponse, Request as BotRequest } from 'botbuilder';
import type { Store } from '../services/storage/repositories';
import { guardedResponse, type TurnLogic } from './adapter';
import { errorFields, type Logger } from './logger';

export interface ServerDeps {
  adapter: CloudAdapter;
  logic: TurnLogic;
  store: Store;
  logger: Logger;
  maxBodyBytes: number;
}

/** HTTP: POST /api/messages for Bot Framework activities, GET /healthz for probes. */
export function createServer(deps: ServerDeps): restify.Server {
  const { adapter, logic, store, logger } = deps;
  const server = restify.createServer({ name: 'partner-support-bot' });
  // JSON only, size-capped: activities are small and there is no file upload.
  // The typings omit bodyReader's maxBodySize, which jsonBodyParser passes on (restify 11).
  const jsonOptions = {
    maxBodySize: deps.maxBodyBytes,
    mapParams: false,
  } as restify.plugins.JsonBodyParserOptions;
  server.use(restify.plugins.jsonBodyParser(jsonOptions));

  server.on(
    'restifyError',
    (req: restify.Request, _res: restify.Response, err: Error, callback: () => void) => {
      logger.warn('request rejected', {
        method: req.method,
        url: req.url,
        reason: err.message,
        name: err.name,
      });
      callback();
    },
  );

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    const body = (req.body ?? {}) as { id?: string; type?: string };
    const context = { activityId: body.id, activityType: body.type };
    try {
      await adapter.process(
        req as unknown as BotRequest,
        guardedResponse(res as unknown as BotResponse, logger, context),
        logic,
      );
    } catch (err) {
      // Malformed activities fail the SDK's validation before any turn starts.
      logger.warn('activity rejected', { ...context, ...errorFields(err), stack: undefined });
      if (!res.headersSent) res.send(400, { error: 'Not a valid Bot Framework activity.' });
    }
  });

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    try {
      await store.read((tx) => tx.organisations.list());
      res.send(200, { status: 'ok' });
    } catch (err) {
      logger.error('health check failed', errorFields(err));
      res.send(503, { status: 'unavailable' });
    }
  });

  return server;
}
