/**
 * Preloaded into the bot by `bench:memory --breakdown` (node --require): appends
 * process.memoryUsage() as a JSON line to MEMORY_PROBE_FILE every second, so the bench can say how
 * much of RSS is V8's heap, external memory (buffers) and the rest (code, SQLite, malloc).
 */
import fs from 'node:fs';

const file = process.env.MEMORY_PROBE_FILE;
if (file) {
  setInterval(() => fs.appendFileSync(file, `${JSON.stringify(process.memoryUsage())}\n`), 1000).unref();
}
