/**
 * The built bot as its own process (`node dist/bot/index.js` with `npm start`'s node flags, its heap cap included): for
 * tests that must see a process exit, or every line it writes to stdout and stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../services/config';
import { startNodeFlags } from './startCommand';

export interface BotProcess {
  child: ChildProcess;
  url: string;
  /** Every line written to stdout and stderr, in order. */
  lines: string[];
  /** The exit code or signal, once the process has ended. */
  exited: { code: number | null; signal: NodeJS.Signals | null } | null;
  stop(): Promise<void>;
}

/** `script`: another entry than npm start's (tests/helpers/botInstance.ts: the same bot, checking tokens against a local OpenID server). */
export function startBotProcess(
  env: Record<string, string>,
  timeoutMs = 20_000,
  script = 'dist/bot/index.js',
): Promise<BotProcess> {
  const child = spawn(process.execPath, [...startNodeFlags(), path.join(PROJECT_ROOT, script)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const bot: BotProcess = {
    child,
    url: '',
    lines: [],
    exited: null,
    stop: async () => {
      if (bot.exited) return;
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await ended;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the bot did not start in ${timeoutMs} ms:\n${bot.lines.join('\n')}`));
    }, timeoutMs);
    const collect = (stream: NodeJS.ReadableStream) => {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          bot.lines.push(line);
          const url = listeningUrl(line);
          if (url && !bot.url) {
            bot.url = url;
            clearTimeout(timer);
            resolve(bot);
          }
        }
      });
    };
    collect(child.stdout!);
    collect(child.stderr!);
    child.on('exit', (code, signal) => {
      bot.exited = { code, signal };
      clearTimeout(timer);
      if (!bot.url)
        reject(new Error(`the bot exited (${code ?? signal}) before listening:\n${bot.lines.join('\n')}`));
    });
  });
}

/** The base URL from the "bot listening" log line, whatever order the logger writes fields in. */
function listeningUrl(line: string): string | null {
  if (!line.includes('bot listening')) return null;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return entry.msg === 'bot listening' && typeof entry.url === 'string'
      ? entry.url.replace(/\/api\/messages$/, '')
      : null;
  } catch {
    return null;
  }
}
