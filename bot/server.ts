import restify from 'restify';
import { AuthenticationError } from 'botframework-connector';
import type { Store } from '../services/storage/repositories';
import { InvalidActivityError, type PartnerSupportAdapter, type TurnLogic } from './adapter';
import { errorFields, restifyLog, type Logger } from './logger';

export interface ServerDeps {
  adapter: PartnerSupportAdapter;
  logic: TurnLogic;
  store: Store;
  logger: Logger;
  maxBodyBytes: number;
}

/** HTTP: POST /api/messages for Bot Framework activities, GET /healthz for probes. */
export function createServer(deps: ServerDeps): restify.Server {
  const { adapter, logic, store, logger } = deps;
  const server = restify.createServer({ name: 'partner-support-bot', log: restifyLog(logger) });
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
    const body: unknown = req.body;
    const fields = body as { id?: unknown; type?: unknown } | null;
    const context = { activityId: fields?.id, activityType: fields?.type };
    try {
      const outcome = await adapter.processBody(body, req.headers.authorization ?? '', logic);
      if (outcome.body === undefined) {
        res.status(outcome.status);
        res.end();
      } else res.send(outcome.status, outcome.body);
    } catch (err) {
      // Callers get a generic body; the detail goes to the log, never a stack or an SDK message.
      if (err instanceof InvalidActivityError) {
        logger.warn('activity rejected', { ...context, reason: err.message });
        res.send(400, { error: 'Not a valid Bot Framework activity.' });
      } else if (err instanceof AuthenticationError) {
        logger.warn('request refused: authentication failed', { ...context, detail: err.message });
        res.send(401, { error: 'Unauthorized' });
      } else {
        logger.error('request failed', { ...context, ...errorFields(err) });
        if (!res.headersSent) res.send(500, { error: 'The bot could not process this activity.' });
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
      await store.read((tx) => tx.organisations.list());
      res.send(200, { status: 'ok' });
    } catch (err) {
      logger.error('health check failed', errorFields(err));
      res.send(503, { status: 'unavailable' });
    }
  });

  return server;
}
