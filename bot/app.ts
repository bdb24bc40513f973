/**
 * Composition: one place that wires config, storage, services, state, dialogs and the
 * HTTP server. Used by `npm start` (index.ts) and by the tests over real HTTP.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ActivityTypes, INVOKE_RESPONSE_KEY, PrivateConversationState, type TurnContext } from 'botbuilder';
import { DialogSet, type DialogState } from 'botbuilder-dialogs';
import type restify from 'restify';
import { CardRenderer } from '../cards/render';
import { TraditionalChinese } from '../cards/traditional';
import { ActivationDialog } from '../dialogs/activationDialog';
import { IncidentDialog } from '../dialogs/incidentDialog';
import type { IncidentDrafts } from '../dialogs/incidentDrafts';
import { languageOf } from '../dialogs/language';
import { createClassifier } from '../dialogs/understanding/classifier';
import type { Focus } from '../dialogs/focus';
import type { Config } from '../services/config';
import { type Clock, systemClock } from '../services/domain/clock';
import { createDirectory, type DirectoryExtras } from '../services/directory/index';
import { createServices, type Services } from '../services/index';
import { importOrganisation } from '../services/organisations/importOrganisation';
import { openElection, openStore, postgresConnection } from '../services/storage/openStore';
import { withoutPassword } from '../services/storage/postgres/databaseUrl';
import type { Store } from '../services/storage/repositories';
import { StaleDataCleaner } from '../services/storage/staleData';
import { AlertDispatcher } from '../services/alerts/alertDispatcher';
import { SendBudget } from '../services/alerts/sendBudget';
import { createAdapter, isLoopbackHost, type AdapterOptions } from './adapter';
import { TeamsAlertSender } from './alertSender';
import { CardActions, messageInvokeResponse } from './cardActions';
import { ClientLocale } from './clientLocale';
import { isReplyFailure, replyFailureFields } from './connectorPolicy';
import { DatabaseFaults } from './databaseFaults';
import { errorFields, type Logger } from './logger';
import { MessageRouter } from './messageRouter';
import { PartnerSupportBot } from './partnerSupportBot';
import { DATA_UNREACHABLE, SORRY } from './replies';
import { createServer } from './server';
import { ReferenceRecorder } from './referenceRecorder';
import { DatabaseStorage } from './stateStorage';
import { isServed, ServedSenders } from './servedSenders';
import { TenantGate } from './tenantGate';
import { TraditionalReplies } from './traditionalReplies';
import { TurnLimiter } from './turnLimits';

export interface App {
  server: restify.Server;
  services: Services;
  /** SQLite at DATABASE_PATH, or PostgreSQL when DATABASE_URL is set. */
  store: Store;
  /** Null when ALERTS_ENABLED=false. */
  alerts: AlertDispatcher | null;
  limiter: TurnLimiter;
  staleData: StaleDataCleaner;
  url: string;
  close(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  adapter?: AdapterOptions;
  /** Overrides of the alert dispatcher's timing and budget (tests). */
  alerts?: Partial<ConstructorParameters<typeof AlertDispatcher>[0]>;
  /** The turn limiter's millisecond clock (tests); monotonic time by default. */
  limiterNow?: () => number;
  /** The Entra directory's trusted CA, assertion source and cache clock (tests). */
  directory?: DirectoryExtras;
}

export async function startApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  // One rate-limited log of database outages for turns, buttons, health probes and idle connections.
  const faults = new DatabaseFaults(logger, {
    redact: (text) => withoutPassword(text, config.databaseUrl ?? ''),
  });
  // Throws DatabaseUnreachableError (one line naming DATABASE_URL) when the server cannot be reached.
  // PostgreSQL: timeouts and login (an Entra token with DATABASE_AUTH=entra-…), one for the store and the election.
  const connection = config.databaseUrl ? postgresConnection(config) : {};
  const store = await openStore(config, {
    sqlite: { readCache: config.readCache, readCacheBytes: config.readCacheBytes },
    postgres: {
      ...connection,
      readCache: config.readCache,
      readCacheBytes: config.readCacheBytes,
      // An idle connection that died is replaced on next use; it is one more sign of the outage.
      onConnectionError: (err) => faults.recognise(err, { connection: 'idle' }),
    },
  });
  const directory = createDirectory(config.directory, store, logger, options.directory);
  const services = createServices(store, clock, directory);
  // This app's card memo (CARD_CACHE); nothing about cards is shared with another app in the process.
  const cards = new CardRenderer({ cache: config.cardCache });
  // zh-TW / zh-HK answers: converters built on first use, converted cards remembered, per app.
  const traditional = new TraditionalChinese();
  await seed(config, services, logger);

  const storage = new DatabaseStorage(store, clock);
  const state = new PrivateConversationState(storage);
  const dialogState = state.createProperty<DialogState>('dialogState');
  const dialogs = new DialogSet(dialogState);
  const drafts = state.createProperty<IncidentDrafts>('incidentDrafts');
  const focus = state.createProperty<Focus | undefined>('focus'); // "that one" → the benefit just discussed
  dialogs.add(new ActivationDialog(services, cards, focus));
  dialogs.add(new IncidentDialog(services, drafts, cards));

  const classifier = createClassifier();
  const cardActions = new CardActions({ services, dialogs, drafts, logger, cards, focus, faults });
  const messages = new MessageRouter({
    services,
    dialogs,
    dialogState,
    classifier,
    cardActions,
    logger,
    cards,
    focus,
    faults,
  });
  const adapter = createAdapter(config, logger, options.adapter);
  const alerts = config.alerts.enabled
    ? new AlertDispatcher({
        store,
        clock,
        sender: new TeamsAlertSender(adapter, config.microsoftAppId, cards, traditional),
        log: logger,
        budget: new SendBudget({ tenantRatePerSecond: config.alerts.tenantRatePerSecond }),
        pollMs: config.alerts.pollMs,
        scanEveryMs: config.alerts.scanEveryMinutes * 60_000,
        leaseMs: config.alerts.leaseSeconds * 1000,
        // PostgreSQL: one instance sends (advisory lock), so Teams' limits hold for all of them together.
        election: openElection(
          config,
          (err) =>
            logger.warn('alert dispatcher lock connection lost; standing by', {
              error: withoutPassword(err.message, config.databaseUrl ?? ''),
            }),
          connection,
        ),
        ...options.alerts,
      })
    : null;
  const references = new ReferenceRecorder(store, clock, logger, faults);
  const bot = new PartnerSupportBot({
    store,
    clock,
    state,
    references,
    messages,
    cardActions,
    logger,
    alerts,
    cards,
  });

  // First the limits (no database, no log line per dropped turn), then who is served, and only
  // then anything that stores.
  const limiter = new TurnLimiter(config.turnLimits, logger, options.limiterNow);
  adapter.use(new ClientLocale()); // first: everything after reads activity.locale
  adapter.use(new TraditionalReplies(traditional)); // early, so every reply of the turn is converted
  adapter.use(limiter);
  adapter.use(new TenantGate(config.allowedTenants, logger));
  adapter.use(new ServedSenders(store, directory, logger));
  adapter.use(references);
  const staleData = new StaleDataCleaner({
    store,
    clock,
    log: logger,
    stateIdleDays: config.staleData.stateIdleDays,
    referenceIdleDays: config.staleData.referenceIdleDays,
    everyMs: config.staleData.everyMinutes * 60_000,
  });
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    if (isReplyFailure(error)) {
      // Nothing to answer with (the connector is what failed), and the dialog state is kept.
      logger.error('reply not delivered: the Bot Connector failed', {
        activityId: context.activity.id,
        activityType: context.activity.type,
        ...replyFailureFields(error),
      });
      return;
    }
    // The database is down: the person is told so and the conversation kept as it was (no state deleted).
    if (faults.recogniseInTurn(context, error, { activityType: context.activity.type })) {
      await tellDataUnreachable(context).catch((inner: unknown) =>
        logger.error('could not answer after a failed turn', {
          activityId: context.activity.id,
          ...errorFields(inner),
        }),
      );
      return;
    }
    logger.error('turn failed', {
      activityId: context.activity.id,
      activityType: context.activity.type,
      ...errorFields(error),
    });
    try {
      await state.delete(context); // a broken dialog must not trap the user
      if (isServed(context)) await state.saveChanges(context, true);
      if (context.activity.type === 'message')
        await context.sendActivity(SORRY[languageOf(context.activity.locale)]);
    } catch (inner) {
      logger.error('could not answer after a failed turn', {
        activityId: context.activity.id,
        ...errorFields(inner),
      });
    }
  };

  const server = createServer({
    adapter,
    logic: (context) => bot.run(context),
    store,
    logger,
    faults,
    limits: {
      maxBodyBytes: config.maxBodyBytes,
      maxConnections: config.maxConnections,
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    },
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  logger.info('bot listening', {
    url: `${url}/api/messages`,
    host: config.host,
    database: config.databasePath,
    channel: config.channelId,
    authentication: config.microsoftAppId ? 'on' : 'off',
    directory: config.directory.kind,
  });
  if (!config.microsoftAppId) {
    logger.warn(
      isLoopbackHost(config.host)
        ? 'authentication is off: listening on loopback only, replies go to loopback service URLs only'
        : 'authentication is off and HOST exposes the bot beyond this machine: anyone who reaches it can act as any user; replies still go to loopback service URLs only',
      { host: config.host },
    );
  }
  alerts?.start();
  staleData.start();
  return {
    server,
    services,
    store,
    alerts,
    limiter,
    staleData,
    url,
    close: async () => {
      await staleData.stop();
      await alerts?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/**
 * A turn that failed before or after its handler because the database was down: a message gets
 * the "can't reach my data" answer; a card button too, unless its handler already answered (its
 * card stands: what it reports was done).
 */
async function tellDataUnreachable(context: TurnContext): Promise<void> {
  const text = DATA_UNREACHABLE[languageOf(context.activity.locale)];
  if (context.activity.type === 'message') await context.sendActivity(text);
  else if (
    context.activity.type === 'invoke' &&
    context.activity.name === 'adaptiveCard/action' &&
    !context.turnState.get(INVOKE_RESPONSE_KEY)
  )
    await context.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: { status: 200, body: messageInvokeResponse(text) },
    });
}

/** An empty development database gets the demo organisation, so a fresh `npm start` has someone to talk to. */
async function seed(config: Config, services: Services, logger: Logger): Promise<void> {
  if (!config.seedFile) return;
  const existing = await services.store.read((tx) => tx.organisations.list());
  if (existing.length > 0) return;
  const doc: unknown = JSON.parse(fs.readFileSync(config.seedFile, 'utf8'));
  const imported = await importOrganisation(services.store, services.clock, doc, {
    actor: 'system:seed',
    directory: config.directory.kind,
  });
  logger.info('seeded the database', {
    organisation: imported.organisation.name,
    tenantId: imported.organisation.tenantId,
    file: config.seedFile,
  });
}
