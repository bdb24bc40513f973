/** The official Adaptive Cards library, loaded in Node with jsdom, as the judge of every card. */
import { JSDOM } from 'jsdom';

type AC = typeof import('adaptivecards');
let lib: AC | undefined;

function load(): AC {
  if (lib) return lib;
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  const g = globalThis as Record<string, unknown>;
  // The library's browser build reads these globals when it loads.
  g.window = dom.window;
  g.document = dom.window.document;
  g.HTMLElement = dom.window.HTMLElement;
  // Node 21+ has its own read-only `navigator` (a getter): replace it rather than assign.
  Object.defineProperty(globalThis, 'navigator', {
    value: dom.window.navigator,
    configurable: true,
    writable: true,
  });
  // A require, not an import: the browser build must load after the globals above exist.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lib = require('adaptivecards/dist/adaptivecards.js') as AC;
  return lib;
}

/** Every parse problem (unknown types, bad enum values…) and validation failure against version 1.5. */
export function cardProblems(card: object): string[] {
  const AC = load();
  const problems: string[] = [];
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  return problems;
}

/** Serialized size as Teams counts it (UTF-16 code units × 2 bytes). */
export function cardBytes(card: object): number {
  return JSON.stringify(card).length * 2;
}
