/**
 * What a bot's CPU time goes to, from a V8 CPU profile (node --cpu-prof, written by bench:bot
 * --profile <dir>): self time by package (node_modules/<name>, this bot's own code, Node's
 * internals, garbage collection, idle) and the functions with the most self time.
 * Usage: node dist/bench/profileSummary.js <file.cpuprofile> [top]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function owner(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8 / native (program)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:') || !url) return 'Node internals / native';
  return 'this bot (dist/)';
}

export function summarise(file: string, top = 15): string[] {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const groups = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    groups.set(owner(f.url, f.functionName), (groups.get(owner(f.url, f.functionName)) ?? 0) + us);
    const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^.*dist\//, 'dist/')}:${f.lineNumber + 1}`;
    fns.set(name, (fns.get(name) ?? 0) + us);
  }
  const busy = total - (groups.get('idle') ?? 0);
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1)} %`;
  const lines = [
    `${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (not idle); shares of busy time:`,
  ];
  for (const [g, us] of [...groups]
    .filter(([g]) => g !== 'idle')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    lines.push(`  ${pct(us).padStart(7)}  ${g}`);
  lines.push('functions with the most self time:');
  for (const [f, us] of [...fns]
    .filter(([f]) => !f.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    lines.push(`  ${pct(us).padStart(7)}  ${f}`);
  return lines;
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profileSummary <file.cpuprofile> [top]');
  for (const line of summarise(file, Number(process.argv[3] ?? 15))) console.log(line);
}
