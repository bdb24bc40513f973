/**
 * The benches' servers (bench/botServer.ts, bench/echoBot.ts) as child processes: each prints
 * "ready <port> [<database>]" once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface BenchServer {
  child: ChildProcess;
  port: number;
  database?: string;
}

/** Starts `script` (a file of dist/bench) with extra environment and node flags. */
export function startServer(
  script: string,
  env: Record<string, string> = {},
  flags: string[] = [],
): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, path.join(__dirname, script)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      const m = /ready (\d+)(?: (.+))?/.exec(chunk.toString());
      if (m) resolve({ child, port: Number(m[1]), database: m[2]?.trim() });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Stops a server and waits for its process to end. */
export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
