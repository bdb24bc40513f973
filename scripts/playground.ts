/**
 * `npm run playground`: the bot on the demo organisation (examples/demo-org.json) plus the
 * Microsoft 365 Agents Playground, a local Teams-like web client, pointed at it. Open the
 * printed URL and chat as the people in .m365agentsplayground.yml.
 *
 * Environment: PORT (bot, default 3978), PLAYGROUND_PORT (default 56150; the Playground
 * falls back to a random port when it is taken), DATABASE_PATH (default
 * data/playground.sqlite), LOG_LEVEL. Nothing else is read from the environment: the bot
 * always runs in development mode with an empty app id (the Playground sends no tokens).
 *
 * Network safety: the Playground probes the Azure metadata address (169.254.169.254) and DNS
 * at start unless it gets BOTH --disable-telemetry and APPLICATION_INSIGHTS_NO_STATSBEAT=true;
 * startPlayground() always sets them (and TEAMSAPPTESTER_BROWSER=none), whatever the caller's
 * environment says. Note that the Playground listens on all interfaces, not only loopback.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startApp, type App } from '../bot/app';
import { createLogger, errorFields } from '../bot/logger';
import { loadConfigOrExit, PROJECT_ROOT } from '../services/config';

export const PLAYGROUND_CONFIG_FILE = '.m365agentsplayground.yml';

/** Always forced on the Playground process: without them it tries to reach Azure. */
export const PLAYGROUND_SAFE_ENV = {
  TEAMSAPPTESTER_BROWSER: 'none',
  APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
} as const;

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Port for the Playground; 0 picks a free one. A taken port also ends up on a random one. */
  port: number;
  /** Folder holding .m365agentsplayground.yml; the Playground writes devTools/ logs there. */
  cwd: string;
  /** How long to wait for `GET /_debug/ping` to answer (default 60 s). */
  readyTimeoutMs?: number;
}

export interface Playground {
  /** Base URL, e.g. http://127.0.0.1:56150 (the web page and the internal HTTP/WS API). */
  url: string;
  port: number;
  /** The Playground's process id (a child of this process). */
  pid: number;
  /** Resolves when the Playground process exits on its own (not after close()). */
  exited: Promise<number | null>;
  close(): Promise<void>;
}

const CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts the Agents Playground CLI and resolves once it answers `GET /_debug/ping` with `pong`. */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { botEndpoint, port, cwd } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`startPlayground: port must be 0–65535 (got ${port})`);
  const configFile = path.join(cwd, PLAYGROUND_CONFIG_FILE);
  if (!fs.existsSync(configFile))
    // Without it the Playground silently invents a tenant and users the bot does not know.
    throw new Error(`startPlayground: ${configFile} is missing (copy the repo's ${PLAYGROUND_CONFIG_FILE})`);

  const child = spawn(
    process.execPath,
    [CLI, '-e', botEndpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'],
    { cwd, env: { ...process.env, ...PLAYGROUND_SAFE_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  let listeningPort: number | undefined;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 40) output.shift();
      const m = /^Listening on (\d+)/.exec(line.trim());
      if (m) listeningPort = Number(m[1]);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  let exitCode: number | null | undefined;
  let closing = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      if (!closing) resolve(exitCode);
    });
  });
  child.once('error', (err) => output.push(`spawn error: ${err.message}`));

  const close = async (): Promise<void> => {
    closing = true;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  const failure = (why: string) => {
    const log = path.join(cwd, 'devTools', 'm365agentsplayground.log');
    const logTail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
    return new Error(
      `Agents Playground ${why}.\n--- its output ---\n${output.join('\n')}` +
        (logTail ? `\n--- ${log} (end) ---\n${logTail}` : ''),
    );
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw failure(`exited before it was ready (exit code ${exitCode})`);
    if (Date.now() > deadline) {
      await close();
      throw failure(`did not answer GET /_debug/ping within ${readyTimeoutMs / 1000} s`);
    }
    if (listeningPort !== undefined) {
      try {
        const res = await fetch(`http://127.0.0.1:${listeningPort}/_debug/ping`, {
          signal: AbortSignal.timeout(2_000),
        });
        if (res.ok && (await res.text()).trim() === 'pong') break;
      } catch {
        /* not up yet */
      }
    }
    await sleep(100);
  }
  return {
    url: `http://127.0.0.1:${listeningPort}`,
    port: listeningPort,
    pid: child.pid ?? -1,
    exited,
    close,
  };
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    console.error(`${name} must be a port number from 0 to 65535 (got "${raw}")`);
    process.exit(1);
  }
  return n;
}

async function main(): Promise<void> {
  const playgroundPort = portFromEnv('PLAYGROUND_PORT', 56150);
  // The bot's variables go through the configuration module, which names any that is wrong.
  const config = loadConfigOrExit({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: process.env.PORT,
    DATABASE_PATH: process.env.DATABASE_PATH?.trim() || 'data/playground.sqlite',
    SEED_ORGANISATION: 'examples/demo-org.json', // the people in .m365agentsplayground.yml
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  });
  const logger = createLogger(config.logLevel);
  const app: App = await startApp(config, logger);
  const botEndpoint = `${app.url}/api/messages`;

  let playground: Playground;
  try {
    playground = await startPlayground({ botEndpoint, port: playgroundPort, cwd: PROJECT_ROOT });
  } catch (err) {
    await app.close();
    throw err;
  }
  console.log(`Agents Playground: http://localhost:${playground.port} (bot on ${botEndpoint})`);

  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { reason });
    await playground.close().catch(() => undefined);
    await app.close().catch(() => undefined);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop('SIGINT', 0));
  process.once('SIGTERM', () => void stop('SIGTERM', 0));
  void playground.exited.then((code) => {
    // Ctrl-C reaches the Playground too (same process group): give our own SIGINT handler a moment.
    setTimeout(() => {
      if (stopping) return;
      logger.error('the Agents Playground exited', { code });
      void stop('playground exited', 1);
    }, 500);
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(
      JSON.stringify({ level: 'error', msg: 'the playground could not start', ...errorFields(err) }),
    );
    process.exit(1);
  });
}
