/** A one-line description of the machine a benchmark ran on, for BENCHMARKS.md. */
import os from 'node:os';

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** The 1, 5 and 15 minute load averages, to print with every figure (the machine is shared). */
export function load(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}
