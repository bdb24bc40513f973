/**
 * regexRuns (dialogs/understanding/regexRuns.ts): a run's one regex must match exactly when one
 * of its patterns does, or the classifier would skip a concept or rewrite it needs (or try ones
 * it need not). Checked on the lexicon's real lists over the whole corpus.
 */
import { expect } from 'chai';
import { CORPUS } from '../dialogs/understanding/corpus';
import {
  EN_SYNONYMS,
  EN_SYNONYMS_NOT_ABOUT_ALERTS,
  ZH_ALERTS,
  ZH_REWRITES,
  ZH_SYNONYMS_NOT_ABOUT_ALERTS,
} from '../dialogs/understanding/everydayWords';
import { CONCEPTS } from '../dialogs/understanding/lexicon';
import { normalise } from '../dialogs/understanding/normalise';
import { regexRuns } from '../dialogs/understanding/regexRuns';

/** Whether a pattern matches anywhere, whatever its flags and lastIndex (search() ignores both). */
const matches = (text: string, p: RegExp) => text.search(p) !== -1;

const LISTS: [string, readonly RegExp[]][] = [
  ['CONCEPTS', CONCEPTS.map(([, p]) => p)],
  ['EN_SYNONYMS', EN_SYNONYMS.map(([p]) => p)],
  ['EN_SYNONYMS_NOT_ABOUT_ALERTS', EN_SYNONYMS_NOT_ABOUT_ALERTS.map(([p]) => p)],
  ['ZH_REWRITES', ZH_REWRITES.map(([p]) => p)],
  ['ZH_ALERTS', ZH_ALERTS.map(([p]) => p)],
  ['ZH_SYNONYMS_NOT_ABOUT_ALERTS', ZH_SYNONYMS_NOT_ABOUT_ALERTS.map(([p]) => p)],
];

describe('regex runs: one test for several patterns, same matches', () => {
  const texts = CORPUS.flatMap((e) => [e.text.toLowerCase(), normalise(e.text, 'zh-TW').text]);

  for (const [name, patterns] of LISTS) {
    it(`${name}: every pattern in order, and a run matches a corpus text exactly when one of its patterns does`, () => {
      const runs = regexRuns(patterns, (p) => p);
      expect(runs.flatMap((r) => r.items)).to.deep.equal([...patterns]);
      let skipped = 0;
      for (const text of texts)
        for (const run of runs) {
          const any = run.items.some((p) => matches(text, p));
          expect(run.anyMatch.test(text), `${JSON.stringify(text)} against ${run.anyMatch}`).to.equal(any);
          if (!any) skipped++;
        }
      // The point of runs: most of them are skipped for most messages.
      expect(skipped).to.be.greaterThan((texts.length * runs.length) / 2);
    });
  }

  it('a pattern with a back-reference or a named group is a run of its own (numbers would shift, names repeat)', () => {
    const runs = regexRuns([/(x)y/, /(a)\1/, /(?<n>b)c/, /(?<n>d)e/, /f/, /g/], (p) => p);
    expect(runs.map((r) => r.items.map(String))).to.deep.equal([
      ['/(x)y/'],
      ['/(a)\\1/'],
      ['/(?<n>b)c/'],
      ['/(?<n>d)e/'],
      ['/f/', '/g/'],
    ]);
    expect(runs[1].anyMatch.test('ab')).to.equal(false);
    expect(runs[1].anyMatch.test('aa')).to.equal(true);
  });

  it('patterns with different flags are not joined: a case-blind pattern stays case-blind, the others do not become so', () => {
    const runs = regexRuns([/abc/i, /def/, /ghi/g], (p) => p);
    expect(runs.map((r) => r.items.length)).to.deep.equal([1, 2]);
    expect(runs[0].anyMatch.test('ABC')).to.equal(true);
    expect(runs[1].anyMatch.test('DEF')).to.equal(false);
    expect(runs[1].anyMatch.test('xghi')).to.equal(true);
  });
});
