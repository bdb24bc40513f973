/**
 * This bot for bench:bot, started as a child process on a fresh database with the demo
 * organisation: `node dist/bench/botServer.js`; prints "ready <port> <database path>". With
 * DATABASE_URL in the environment it serves that PostgreSQL database instead (and prints the URL).
 * BENCH_ENTRA_CA_FILE: the CA of bench:bot's local fake Graph, trusted by the Entra directory
 * (with DIRECTORY=entra and its variables in the environment).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../bot/app';
import { createLogger } from '../bot/logger';
import { loadConfig } from '../services/config';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psb-benchbot-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: path.join(dir, 'bot.sqlite'), // unless DATABASE_URL (bench:bot --postgres) is set
    LOG_LEVEL: 'warn',
  });
  const caFile = process.env.BENCH_ENTRA_CA_FILE;
  const app = await startApp(
    config,
    createLogger('warn', (line) => process.stderr.write(line)),
    caFile ? { directory: { ca: fs.readFileSync(caFile, 'utf8') } } : {},
  );
  console.log(`ready ${app.url.split(':').pop()} ${config.databaseUrl ?? config.databasePath}`);
  process.on(
    'SIGTERM',
    () =>
      void app.close().then(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      }),
  );
}

void main();
