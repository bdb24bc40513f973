/**
 * Microseconds to understand one message (normalisation and classification), per kind of
 * message: the corpus as written (English, Simplified), Traditional Chinese, and long messages.
 * Also what building the classifier costs once per app. Usage: npm run bench:understanding
 */
import { performance } from 'node:perf_hooks';
import { createClassifier } from '../dialogs/understanding/classifier';
import { CORPUS } from '../dialogs/understanding/corpus';
import { ROBUST_TEST } from '../tests/helpers/robustPhrasings';
import { machine } from './machine';

const ROUNDS = 200;

const built = performance.now();
const classifier = createClassifier();
const buildMs = performance.now() - built;

const sets: [string, [string, string][]][] = [
  ['corpus en', CORPUS.filter((e) => e.language === 'en').map((e) => [e.text, 'en-US'])],
  ['corpus zh-CN', CORPUS.filter((e) => e.language === 'zh').map((e) => [e.text, 'zh-CN'])],
  ['Traditional', ROBUST_TEST.filter((p) => p[0] === 'traditional').map((p) => [p[2], p[3]])],
  ['typos', ROBUST_TEST.filter((p) => p[0] === 'typo').map((p) => [p[2], p[3]])],
  ['long', ROBUST_TEST.filter((p) => p[0] === 'long').map((p) => [p[2], p[3]])],
];

console.log(machine());
console.log(`classifier built in ${buildMs.toFixed(0)} ms (once per app)`);
for (const [name, messages] of sets) {
  for (const [text, locale] of messages) classifier.classify(text, locale); // warm up
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) for (const [text, locale] of messages) classifier.classify(text, locale);
  const us = ((performance.now() - start) * 1000) / (ROUNDS * messages.length);
  console.log(`${name.padEnd(14)} ${us.toFixed(1).padStart(6)} µs a message (n=${messages.length})`);
}
