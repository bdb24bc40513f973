/**
 * A client for the Microsoft 365 Agents Playground's own (undocumented, internal) HTTP + WebSocket
 * API, the one its web page uses (request bodies copied from its client bundle,
 * dist/client/static/js/main.*.js, version 0.2.28):
 *  - WS  /_ws_conversation/v1/conversations/stream  bot messages (`createMessage`)
 *  - WS  /_ws/log/stream                            every request to and from the bot, with responses
 *  - POST /_debug/conversation/{id}/installation     app installed → installationUpdate + conversationUpdate
 *  - POST /_conversation/v1/conversations/{id}/messages  the chat box (always the current user, en-US)
 *  - POST /_conversation/v1/invoke                   Action.Execute (`adaptiveCard/action`); answers the bot's invoke response
 *  - POST /_conversation/v1/submit                   Action.Submit
 *  - GET  /_internal/v1/customActivities/template + POST /_internal/v1/customActivities: any activity
 *    (another user, another locale)
 *
 * Every send waits for the bot's turn to end: the log stream reports the bot's HTTP answer to the
 * activity, and each message the bot sent during the turn (its messageId) is awaited on the
 * conversation stream, so a call returns exactly the bot messages of that turn.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startApp, type App, type AppOptions } from '../../bot/app';
import { memoryLogger } from '../../bot/logger';
import { PLAYGROUND_CONFIG_FILE, startPlayground, type Playground } from '../../scripts/playground';
import { loadConfig, PROJECT_ROOT } from '../../services/config';
import WebSocket from 'ws';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a path of keys/indexes inside untyped JSON, or undefined. */
export function field(v: unknown, ...keys: (string | number)[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (typeof k === 'number') cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = isRecord(cur) ? cur[k] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function str(v: unknown, ...keys: (string | number)[]): string | undefined {
  const x = field(v, ...keys);
  return typeof x === 'string' ? x : undefined;
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export interface BotMessage {
  conversationId: string;
  messageId: string;
  text?: string;
  attachments: { contentType: string; content: unknown }[];
  raw: Record<string, unknown>;
}

export interface LogEntry {
  activityName?: string;
  /** "Microsoft 365 Agents Playground" or "User Application" (the bot). */
  from?: string;
  to?: string;
  messageId?: string;
  statusCode?: number;
  requestBody: unknown;
}

export interface PlaygroundUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChatId: string;
  groupChatId: string;
  /** The team channels of the config's teams. */
  channels: { id: string; name: string }[];
  raw: unknown;
}

/** A person of the Playground config (the current user or one of `users`) by display name. */
export function userNamed(config: PlaygroundConfig, name: string): PlaygroundUser {
  const found = [config.currentUser, ...config.users].find((u) => u.name === name);
  if (!found) throw new Error(`${name} is not in the Playground config`);
  return found;
}

export interface CardAction {
  type: string;
  title?: string;
  verb?: string;
  data?: Record<string, unknown>;
}

const PLAYGROUND = 'Microsoft 365 Agents Playground';
const BOT = 'User Application';

/** All the text a person would read in some bot messages (texts, card TextBlocks/facts/buttons). */
export function visibleText(messages: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isRecord(node)) return;
    for (const k of ['text', 'title', 'value', 'label', 'placeholder'])
      if (typeof node[k] === 'string') parts.push(node[k]);
    Object.entries(node).forEach(([k, v]) => k !== 'fallback' && walk(v));
  };
  const list = Array.isArray(messages) ? messages : [messages];
  for (const m of list) {
    if (isRecord(m) && Array.isArray(m.attachments) && 'messageId' in m) {
      if (typeof m.text === 'string') parts.push(m.text);
      walk(m.attachments);
    } else walk(m);
  }
  return parts.join('\n');
}

/** Adaptive Cards attached to bot messages. */
export function adaptiveCards(messages: readonly BotMessage[]): { message: BotMessage; card: unknown }[] {
  return messages.flatMap((message) =>
    message.attachments
      .filter((a) => a.contentType === ADAPTIVE_CARD)
      .map((a) => ({ message, card: a.content })),
  );
}

/** The one Adaptive Card among some bot messages; fails the test if there is not exactly one. */
export function onlyCard(messages: readonly BotMessage[]): { message: BotMessage; card: unknown } {
  const cards = adaptiveCards(messages);
  expect(cards, visibleText(messages)).to.have.length(1);
  return cards[0];
}

/** Action.Execute / Action.Submit buttons of a card (not their fallbacks). */
export function cardActions(card: unknown): CardAction[] {
  const found: CardAction[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!isRecord(n)) return;
    if (n.type === 'Action.Execute' || n.type === 'Action.Submit') {
      const data = field(n, 'data');
      found.push({
        type: n.type,
        title: str(n, 'title'),
        verb: str(n, 'verb'),
        data: isRecord(data) ? data : undefined,
      });
    }
    Object.entries(n).forEach(([k, v]) => k !== 'fallback' && walk(v));
  };
  walk(card);
  return found;
}

/** imBack buttons of hero cards (choice prompts), as the Playground shows them. */
export function heroButtons(messages: readonly BotMessage[]): string[] {
  return messages.flatMap((m) =>
    m.attachments
      .filter((a) => a.contentType === 'application/vnd.microsoft.card.hero')
      .flatMap((a) => {
        const buttons = field(a.content, 'buttons');
        return Array.isArray(buttons) ? buttons.map((b) => str(b, 'title') ?? '') : [];
      }),
  );
}

function toUser(v: unknown): PlaygroundUser {
  const id = str(v, 'id');
  const name = str(v, 'name');
  const aadObjectId = str(v, 'aadObjectId');
  if (!id || !name || !aadObjectId) throw new Error(`not a Playground user: ${JSON.stringify(v)}`);
  return { id, name, aadObjectId };
}

export class PlaygroundClient {
  readonly messages: BotMessage[] = [];
  readonly logs: LogEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;

  private constructor(
    readonly url: string,
    private readonly conversationWs: WebSocket,
    private readonly logWs: WebSocket,
  ) {
    conversationWs.on('message', (data) => this.onConversation(data));
    logWs.on('message', (data) => this.onLog(data));
  }

  static async connect(url: string): Promise<PlaygroundClient> {
    const open = (p: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${p}`);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const [conversation, log] = await Promise.all([
      open('/_ws_conversation/v1/conversations/stream'),
      open('/_ws/log/stream'),
    ]);
    return new PlaygroundClient(url, conversation, log);
  }

  private parse(data: WebSocket.RawData): unknown {
    try {
      return JSON.parse(data.toString()) as unknown;
    } catch {
      return undefined;
    }
  }

  private onConversation(data: WebSocket.RawData): void {
    const event = this.parse(data);
    if (str(event, 'action') !== 'createMessage' && str(event, 'action') !== 'updateMessage') return;
    const message = field(event, 'message');
    if (!isRecord(message)) return;
    const attachments = Array.isArray(message.attachments) ? message.attachments : [];
    this.messages.push({
      conversationId: str(event, 'actionConversationId') ?? '',
      messageId: String(message.messageId ?? ''),
      text: typeof message.text === 'string' ? message.text : undefined,
      attachments: attachments.map((a) => ({
        contentType: str(a, 'contentType') ?? '',
        content: field(a, 'content'),
      })),
      raw: message,
    });
    this.notify();
  }

  private onLog(data: WebSocket.RawData): void {
    const event = this.parse(data);
    const log = field(event, 'log');
    if (!isRecord(log)) return;
    const status = field(log, 'response', 'statusCode');
    this.logs.push({
      activityName: str(log, 'activityName'),
      from: str(log, 'from'),
      to: str(log, 'to'),
      messageId: str(log, 'messageId'),
      statusCode: typeof status === 'number' ? status : undefined,
      requestBody: field(log, 'request', 'body'),
    });
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves with check()'s result once it is not undefined; rejects after timeoutMs. */
  private waitUntil<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        const result = this.closed ? undefined : check();
        if (this.closed || result !== undefined) {
          this.listeners.delete(listener);
          clearTimeout(timer);
          if (result !== undefined) resolve(result);
          else reject(new Error(`Playground client closed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        const recent = this.messages
          .slice(-5)
          .map((m) => visibleText(m).slice(0, 200))
          .join('\n---\n');
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last bot messages:\n${recent}`),
        );
      }, timeoutMs);
      this.listeners.add(listener);
      listener();
    });
  }

  /**
   * Runs send(), then waits for the bot's HTTP answer to the activity the Playground forwarded
   * (matched by isOurs on the forwarded body) and for every message the bot sent meanwhile.
   */
  private async turn(send: () => Promise<void>, isOurs: (body: unknown) => boolean, what: string) {
    const logMark = this.logs.length;
    const messageMark = this.messages.length;
    await send();
    const end = await this.waitUntil(() => {
      const i = this.logs.findIndex(
        (l, idx) =>
          idx >= logMark &&
          l.from === PLAYGROUND &&
          l.to === BOT &&
          l.statusCode !== undefined &&
          isOurs(l.requestBody),
      );
      return i >= 0 ? i : undefined;
    }, `the bot to finish handling ${what}`);
    if ((this.logs[end].statusCode ?? 0) >= 400)
      throw new Error(`the bot answered ${this.logs[end].statusCode} to ${what}`);
    const sent = this.logs
      .slice(logMark, end + 1)
      .filter((l) => l.from === BOT && l.activityName === 'message' && l.messageId)
      .map((l) => l.messageId ?? '');
    return this.waitUntil(() => {
      const mine = this.messages.slice(messageMark);
      return sent.every((id) => mine.some((m) => m.messageId === id)) ? mine : undefined;
    }, `the ${sent.length} bot message(s) of ${what} on the conversation stream`);
  }

  private async request(method: 'GET' | 'POST', p: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text.slice(0, 500)}`);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }

  /** GET /_internal/v1/config: what the Playground made of .m365agentsplayground.yml. */
  async config(): Promise<PlaygroundConfig> {
    const raw = await this.request('GET', '/_internal/v1/config');
    const users = field(raw, 'config', 'users');
    const groupChatId = str(raw, 'config', 'groupChats', 0, 'id');
    const personalChatId = str(raw, 'config', 'personalChat', 'id');
    const tenantId = str(raw, 'config', 'tenantId');
    if (!Array.isArray(users) || !groupChatId || !personalChatId || !tenantId)
      throw new Error(`unexpected Playground config: ${JSON.stringify(raw).slice(0, 500)}`);
    return {
      tenantId,
      bot: { id: str(raw, 'config', 'bot', 'id') ?? '', name: str(raw, 'config', 'bot', 'name') ?? '' },
      currentUser: toUser(field(raw, 'config', 'currentUser')),
      users: users.map(toUser),
      personalChatId,
      groupChatId,
      channels: (Array.isArray(field(raw, 'config', 'teams'))
        ? (field(raw, 'config', 'teams') as unknown[])
        : []
      )
        .flatMap((team) => {
          const channels = field(team, 'channels');
          return Array.isArray(channels) ? channels : [];
        })
        .map((c) => ({ id: str(c, 'id') ?? '', name: str(c, 'name') ?? '' })),
      raw,
    };
  }

  /** Installs the app into a conversation (what the page does when a chat is opened). */
  install(conversationId: string): Promise<BotMessage[]> {
    return this.turn(
      async () => {
        await this.request(
          'POST',
          `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`,
          {},
        );
      },
      (body) =>
        str(body, 'type') === 'conversationUpdate' && str(body, 'conversation', 'id') === conversationId,
      'the installation',
    );
  }

  /** Types into the chat box as the Playground's current user (the Playground always sends locale en-US). */
  say(conversationId: string, from: PlaygroundUser, text: string): Promise<BotMessage[]> {
    return this.turn(
      async () => {
        await this.request(
          'POST',
          `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
          {
            type: 'text',
            text,
            textFormat: 'plain',
            from: { id: from.id },
          },
        );
      },
      (body) =>
        str(body, 'type') === 'message' &&
        str(body, 'text') === text &&
        str(body, 'conversation', 'id') === conversationId,
      `“${text}”`,
    );
  }

  /**
   * A message as any user with any locale, through the Playground's custom-activity feature:
   * its template for the conversation, shaped like the Playground's own message activities.
   */
  async sayAs(
    conversationId: string,
    from: PlaygroundUser,
    text: string,
    opts: { locale?: string; mentionBot?: boolean } = {},
  ): Promise<BotMessage[]> {
    const template = await this.request(
      'GET',
      `/_internal/v1/customActivities/template?conversationId=${encodeURIComponent(conversationId)}`,
    );
    if (!isRecord(template)) throw new Error('no custom activity template');
    const locale = opts.locale ?? 'en-US';
    const id = randomUUID();
    const tenantId = str(template, 'conversation', 'tenantId');
    // In a channel Teams sends the bot only messages that @mention it: "<at>Bot</at> text" plus a mention entity.
    const bot = field(template, 'recipient');
    const at = `<at>${str(bot, 'name') ?? 'bot'}</at>`;
    const mention = { type: 'mention', text: at, mentioned: { id: str(bot, 'id'), name: str(bot, 'name') } };
    const activity = {
      ...template,
      id,
      type: 'message',
      text: opts.mentionBot ? `${at} ${text}` : text,
      textFormat: 'plain',
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      locale,
      entities: [{ type: 'clientInfo', locale, platform: 'Web' }, ...(opts.mentionBot ? [mention] : [])],
      channelData: { tenant: { id: tenantId } },
    };
    return this.turn(
      async () => {
        await this.request('POST', '/_internal/v1/customActivities', activity);
      },
      (body) => str(body, 'id') === id,
      `“${text}” from ${from.name} (${locale})`,
    );
  }

  /**
   * Clicks an Action.Execute button of a card the bot sent, as the Playground page does: an
   * `adaptiveCard/action` invoke with replyToId = the card's message. Returns the bot's invoke
   * answer ({ type, value }), which the page renders in place of the card.
   */
  async execute(
    conversationId: string,
    from: PlaygroundUser,
    cardMessage: BotMessage,
    action: CardAction,
  ): Promise<{ type: string; value: unknown }> {
    if (action.type !== 'Action.Execute' || !action.verb)
      throw new Error('not an Action.Execute with a verb');
    const answer = await this.request('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      value: { action: { type: action.type, title: action.title, verb: action.verb, data: action.data } },
      from: { id: from.id },
      conversation: { id: conversationId },
      replyToId: cardMessage.messageId,
    });
    const type = str(answer, 'type');
    if (!type) throw new Error(`unexpected invoke answer: ${JSON.stringify(answer).slice(0, 500)}`);
    return { type, value: field(answer, 'value') };
  }

  /** Clicks an Action.Submit button (the Teams mobile fallback): a message with `value`. */
  submit(
    conversationId: string,
    from: PlaygroundUser,
    cardMessage: BotMessage,
    value: Record<string, unknown>,
  ): Promise<BotMessage[]> {
    const json = JSON.stringify(value);
    return this.turn(
      async () => {
        await this.request('POST', '/_conversation/v1/submit', {
          conversation: { id: conversationId },
          replyToId: cardMessage.messageId,
          value,
          from: { id: from.id },
        });
      },
      (body) => str(body, 'type') === 'message' && JSON.stringify(field(body, 'value')) === json,
      `the submit ${json}`,
    );
  }

  /**
   * Waits for a bot message on the conversation stream that satisfies check(), including one
   * already received (e.g. a proactive message, which belongs to no turn of ours).
   */
  waitForMessage(check: (m: BotMessage) => boolean, what: string, timeoutMs = 15_000): Promise<BotMessage> {
    return this.waitUntil(() => this.messages.find(check), what, timeoutMs);
  }

  /** Waits for an entry of the Playground's log stream (requests to and from the bot) that satisfies check(). */
  waitForLog(check: (l: LogEntry) => boolean, what: string, timeoutMs = 15_000): Promise<LogEntry> {
    return this.waitUntil(() => this.logs.find(check), what, timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notify();
    await Promise.all(
      [this.conversationWs, this.logWs].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            ws.once('close', () => resolve());
            ws.close();
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 2_000).unref();
          }),
      ),
    );
  }
}

/**
 * The text of a .m365agentsplayground.yml (laid out like the repo's: two-space indents, one
 * `currentUser:` mapping, `users:` entries starting with `- id:`) with the user `userId` as
 * the Playground's current user and the former current user among the `users`. The Playground
 * only shows its current user's chats, so this is how another person's personal chat is seen.
 * Comments are dropped (they would describe the wrong people).
 */
export function playgroundConfigWithCurrentUser(yml: string, userId: string): string {
  const lines = yml.split(/\r?\n/).filter((l) => !/^\s*#/.test(l));
  const blockEnd = (from: number, inside: (l: string) => boolean) => {
    let i = from;
    while (i < lines.length && inside(lines[i])) i++;
    return i;
  };
  const cu = lines.findIndex((l) => /^currentUser:\s*$/.test(l));
  if (cu < 0) throw new Error('no currentUser: in the Playground config');
  const cuEnd = blockEnd(cu + 1, (l) => /^ {2}\S/.test(l) && !/^ {2}- /.test(l));
  const entry = lines.findIndex((l) => l.trim() === `- id: ${userId}` && /^ {2}- /.test(l));
  if (entry < 0) throw new Error(`no user ${userId} under users: in the Playground config`);
  const entryEnd = blockEnd(entry + 1, (l) => /^ {4}\S/.test(l));

  const oldCurrent = lines.slice(cu + 1, cuEnd); // "  id: …", "  name: …"
  const newCurrent = lines.slice(entry, entryEnd).map((l, i) => (i === 0 ? l.replace('- ', '') : l.slice(2)));
  const asEntry = oldCurrent.map((l, i) => (i === 0 ? `  - ${l.trim()}` : `  ${l}`));
  // Replace the later block first so the earlier indexes stay valid.
  const out = [...lines];
  if (entry > cu) {
    out.splice(entry, entryEnd - entry, ...asEntry);
    out.splice(cu + 1, cuEnd - cu - 1, ...newCurrent);
  } else {
    out.splice(cu + 1, cuEnd - cu - 1, ...newCurrent);
    out.splice(entry, entryEnd - entry, ...asEntry);
  }
  return out.join('\n');
}

export interface BotWithPlayground {
  app: App;
  playground: Playground;
  client: PlaygroundClient;
  config: PlaygroundConfig;
  /** The bot's log lines. */
  botLogs: ReturnType<typeof memoryLogger>;
  close(): Promise<void>;
}

/**
 * The bot (random loopback port, fresh SQLite file, demo organisation unless `env` says otherwise)
 * and the Agents Playground pointed at it, both in a temp folder: the Playground reads its config
 * from, and writes devTools/ logs into, its working folder. `yml` may rewrite the repo's config first.
 */
export interface BotWithPlaygroundOptions {
  yml?: (repoYml: string) => string;
  app?: AppOptions;
  /** More configuration (e.g. DIRECTORY=entra); `dir` is the test's temp folder. */
  env?: (dir: string) => Record<string, string>;
}

export async function startBotWithPlayground(
  opts: BotWithPlaygroundOptions = {},
): Promise<BotWithPlayground> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-'));
  const started: { close(): Promise<void> }[] = [];
  const close = async () => {
    for (const s of started.reverse()) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const botLogs = memoryLogger();
  try {
    const app = await startApp(
      loadConfig({
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_PATH: path.join(dir, 'bot.sqlite'),
        SEED_ORGANISATION: path.join(PROJECT_ROOT, 'examples/demo-org.json'),
        MICROSOFT_APP_ID: '',
        ...opts.env?.(dir),
      }),
      botLogs,
      opts.app,
    );
    started.push(app);
    const cwd = path.join(dir, 'playground');
    fs.mkdirSync(cwd);
    const repoYml = fs.readFileSync(path.join(PROJECT_ROOT, PLAYGROUND_CONFIG_FILE), 'utf8');
    fs.writeFileSync(path.join(cwd, PLAYGROUND_CONFIG_FILE), opts.yml ? opts.yml(repoYml) : repoYml);
    const playground = await startPlayground({ botEndpoint: `${app.url}/api/messages`, port: 0, cwd });
    started.push(playground);
    const client = await PlaygroundClient.connect(playground.url);
    started.push(client);
    return { app, playground, client, config: await client.config(), botLogs, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Call inside a describe: startBotWithPlayground() in a before hook, closed in an after hook. The
 * accessors throw until it has started. `opts` is called in that hook, so it may use what an
 * earlier before hook of the suite started (e.g. a fake Entra).
 */
export function useBotWithPlayground(opts: () => BotWithPlaygroundOptions = () => ({})) {
  let started: BotWithPlayground | undefined;
  before(async () => {
    started = await startBotWithPlayground(opts());
  });
  after(async () => started?.close());
  const get = (): BotWithPlayground => {
    if (!started) throw new Error('the bot and the Playground did not start');
    return started;
  };
  return {
    started: get,
    pg: (): PlaygroundClient => get().client,
    bot: (): App => get().app,
    config: (): PlaygroundConfig => get().config,
    user: (name: string): PlaygroundUser => userNamed(get().config, name),
  };
}
