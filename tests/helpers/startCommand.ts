/**
 * The node flags `npm start` runs the bot with, read from package.json's start script, so that
 * bench:memory, bench:startup and the tests that start the bot as a process measure the bot exactly as it is started (a heap cap included).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../services/config';

export function startNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const m = /(?:^|&&\s*)node\s+((?:--?\S+\s+)*)dist\/bot\/index\.js/.exec(pkg.scripts.start);
  if (!m)
    throw new Error(`package.json's start script does not run node dist/bot/index.js: ${pkg.scripts.start}`);
  return m[1].split(/\s+/).filter(Boolean);
}
