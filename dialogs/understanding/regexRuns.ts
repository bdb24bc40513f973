/**
 * Long lists of regexes tried one by one on each message (the lexicon's concepts, everyday-word
 * rewrites) cost a call each, and most do not match. Split into runs, each run gets one regex that
 * matches wherever any of its patterns would: when that one does not match, none of the run does,
 * and the run is skipped. What matches, and so every result, stays the same.
 */

export interface RegexRun<T> {
  /** Matches a text whenever some pattern of the run would (and, without `y` flags, only then). */
  anyMatch: RegExp;
  items: readonly T[];
}

/** Runs this long were about the fastest for the lexicon's lists and short messages (measured). */
const RUN = 6;

/**
 * Inside a larger alternation, back-references and named groups would change meaning (group
 * numbers shift, names repeat): such a pattern is a run of its own, tested by itself.
 */
const alone = (p: RegExp) => /\\[1-9]|\\k<|\(\?<[^=!]/.test(p.source);
/** Flags that change what matches; `g` and `y` only change where a search starts, and anyMatch has neither. */
const flagsOf = (p: RegExp) => p.flags.replace(/[gy]/g, '');

export function regexRuns<T>(items: readonly T[], patternOf: (item: T) => RegExp): RegexRun<T>[] {
  const runs: RegexRun<T>[] = [];
  let run: T[] = [];
  const close = () => {
    if (run.length === 0) return;
    const sources = run.map((item) => `(?:${patternOf(item).source})`);
    runs.push({ anyMatch: new RegExp(sources.join('|'), flagsOf(patternOf(run[0]))), items: run });
    run = [];
  };
  for (const item of items) {
    const p = patternOf(item);
    const first = run.length > 0 ? patternOf(run[0]) : undefined;
    if (first && (run.length === RUN || alone(p) || alone(first) || flagsOf(first) !== flagsOf(p))) close();
    run.push(item);
  }
  close();
  return runs;
}
