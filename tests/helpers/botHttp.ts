/** The real bot over real HTTP on a random loopback port, with a fresh SQLite file and the demo organisation. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startApp, type App } from '../../bot/app';
import type { AdapterOptions } from '../../bot/adapter';
import { capturedLogger, memoryLogger } from '../../bot/logger';
import { loadConfig } from '../../services/config';
import type { Clock } from '../../services/domain/clock';
import type { DirectoryExtras } from '../../services/directory/index';
import { SqliteStore } from '../../services/storage/sqlite/sqliteStore';
import { tempDbPath } from './fixtures';
import { REPLY_LOG } from './internalTokens';

export const DEMO_TENANT = '6f2c8a10-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
export const DEMO_USERS = {
  globalAdmin: { id: '29:avery', aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Avery Chen' },
  partnerAdmin: { id: '29:bao', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Bao Lin' },
  adminAgent: { id: '29:carmen', aadObjectId: '00000000-0000-4000-8000-000000000003', name: 'Carmen Diaz' },
  member: { id: '29:dev', aadObjectId: '00000000-0000-4000-8000-000000000004', name: 'Dev Patel' },
  cspOnly: { id: '29:eli', aadObjectId: '00000000-0000-4000-8000-000000000005', name: 'Eli Novak' },
  supportLead: { id: '29:fang', aadObjectId: '00000000-0000-4000-8000-000000000006', name: 'Fang Wu' },
} as const;
export type DemoUser = keyof typeof DEMO_USERS;

/** The SQLite connection of a bot started on SQLite, for tests that look at rows directly. */
export function sqliteDbOf(app: App): SqliteStore['db'] {
  if (!(app.store instanceof SqliteStore))
    throw new Error('this test reads SQLite rows: start the bot on SQLite');
  return app.store.db;
}

export interface BotActivity {
  type: string;
  text?: string;
  attachments?: { contentType: string; content: Record<string, unknown> }[];
  value?: { status: number; body?: { statusCode: number; type: string; value: unknown } };
  suggestedActions?: { actions: { title: string; value: unknown }[] };
}

export interface TestBot {
  app: App;
  /** `output`: the JSON lines as written, when started with `{ logger: 'json' }`. */
  logs: ReturnType<typeof memoryLogger> & { output?: string[] };
  /** Posts an activity with deliveryMode expectReplies and returns the HTTP status and the bot's replies. */
  post(
    activity: Record<string, unknown>,
  ): Promise<{ status: number; activities: BotActivity[]; raw: unknown }>;
  say(
    user: DemoUser,
    text: string,
    opts?: { locale?: string; conversationId?: string },
  ): Promise<BotActivity[]>;
  invoke(
    user: DemoUser,
    verb: string,
    data?: Record<string, unknown>,
    opts?: { locale?: string; conversationId?: string },
  ): Promise<BotActivity[]>;
  close(): Promise<void>;
}

export function activity(
  user: DemoUser,
  extra: Record<string, unknown>,
  opts: { locale?: string; conversationId?: string; tenantId?: string } = {},
) {
  const u = DEMO_USERS[user];
  const tenantId = opts.tenantId ?? DEMO_TENANT;
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/', // never contacted: replies come back in the HTTP response
    timestamp: new Date().toISOString(),
    locale: opts.locale ?? 'en-US',
    from: { id: u.id, name: u.name, aadObjectId: u.aadObjectId },
    recipient: { id: '28:partner-support-bot', name: 'Partner Support' },
    conversation: { id: opts.conversationId ?? `a:personal-${user}`, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    deliveryMode: 'expectReplies',
    ...extra,
  };
}

export async function startTestBot(
  env: Record<string, string> = {},
  /** logger 'json': the real pino logger, writing into memory (redaction and format tests). */
  opts: {
    clock?: Clock;
    adapter?: AdapterOptions;
    limiterNow?: () => number;
    logger?: 'memory' | 'json';
    /** DIRECTORY=entra: the fake Entra's CA, and the role cache's clock. */
    directory?: DirectoryExtras;
  } = {},
): Promise<TestBot> {
  const root = path.resolve(__dirname, '../../..');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: tempDbPath(),
    SEED_ORGANISATION: path.join(root, 'examples/demo-org.json'),
    ...env,
  });
  const logs = opts.logger === 'json' ? capturedLogger() : memoryLogger();
  const app = await startApp(config, logs, {
    clock: opts.clock,
    adapter: opts.adapter,
    limiterNow: opts.limiterNow,
    directory: opts.directory,
  });
  const post: TestBot['post'] = async (a) => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(a),
    });
    const text = await res.text();
    let raw: unknown = text;
    try {
      raw = JSON.parse(text);
    } catch {
      /* not JSON: kept as text */
    }
    const activities = ((raw as { activities?: BotActivity[] })?.activities ?? []) as BotActivity[];
    REPLY_LOG.record(a, activities); // scanned for internal tokens at the end of the run
    return { status: res.status, activities, raw };
  };
  return {
    app,
    logs,
    post,
    say: async (user, text, o = {}) => (await post(activity(user, { type: 'message', text }, o))).activities,
    invoke: async (user, verb, data = {}, o = {}) =>
      (
        await post(
          activity(
            user,
            {
              type: 'invoke',
              name: 'adaptiveCard/action',
              value: { action: { type: 'Action.Execute', verb, data } },
            },
            o,
          ),
        )
      ).activities,
    close: () => app.close(),
  };
}

/** Every Adaptive Card in a list of replies (message attachments and invoke response cards). */
export function cardsIn(activities: BotActivity[]): Record<string, unknown>[] {
  const cards: Record<string, unknown>[] = [];
  for (const a of activities) {
    for (const att of a.attachments ?? [])
      if (att.contentType === 'application/vnd.microsoft.card.adaptive') cards.push(att.content);
    const body = a.value?.body;
    if (a.type === 'invokeResponse' && body?.type === 'application/vnd.microsoft.card.adaptive')
      cards.push(body.value as Record<string, unknown>);
  }
  return cards;
}

/** All the text a person would read: message texts and every TextBlock/FactSet text in cards. */
export function visibleText(activities: BotActivity[]): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      for (const k of ['text', 'title', 'value', 'label', 'placeholder'])
        if (typeof o[k] === 'string') parts.push(o[k] as string);
      Object.values(o).forEach(walk);
    }
  };
  for (const a of activities) {
    if (a.text) parts.push(a.text);
    walk(a.attachments);
    if (a.type === 'invokeResponse') walk(a.value);
    walk(a.suggestedActions);
  }
  return parts.join('\n');
}
