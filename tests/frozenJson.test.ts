/**
 * The answer body's JSON (bot/frozenJson.ts): byte for byte what JSON.stringify gives, with the
 * text of deeply frozen parts (shared cards) made once.
 */
import { expect } from 'chai';
import { FrozenJson } from '../bot/frozenJson';
import { deepFreeze } from '../services/domain/freeze';

describe('FrozenJson: the JSON of an answer', () => {
  const card = () =>
    deepFreeze({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: 'Microsoft 产品支持 "quoted" \u2028 \u0000', wrap: true },
        { type: 'FactSet', facts: [{ title: 'Left', value: '7 of 10' }] },
      ],
      actions: [{ type: 'Action.Execute', verb: 'benefits.show', data: { n: 1.5e-7, ok: true, none: null } }],
    });

  it('gives exactly JSON.stringify’s text, frozen parts or not', () => {
    const json = new FrozenJson();
    const shared = card();
    const sparse: unknown[] = [1];
    sparse[2] = 3; // a hole at 1
    const values: unknown[] = [
      { activities: [{ type: 'message', text: 'hi', attachments: [{ contentType: 'x', content: shared }] }] },
      {
        when: new Date(Date.UTC(2026, 10, 29)),
        skip: undefined,
        fn: () => 1,
        list: [undefined, () => 1, NaN],
      },
      sparse,
      Object.freeze({ nested: { mutable: true } }),
      [new Number(3), new String('s'), new Boolean(false), Infinity, -0],
      new Map([['a', 1]]),
      { toJSON: (key: string) => ({ key }) },
      [{ toJSON: (key: string) => key }],
      // Deeper than the walk goes: JSON.stringify's own text there, toJSON and frozen parts included.
      {
        a: {
          b: {
            c: { d: [{ e: { f: { g: [new Date(0), shared, undefined, { toJSON: (k: string) => k }] } } }] },
          },
        },
      },
      'plain',
      42,
      null,
      { '': 1, 'a"b': 2, 10: 'numeric key first', z: shared },
    ];
    for (const value of values) {
      expect(json.stringify(value)).to.equal(JSON.stringify(value));
      expect(json.stringify(value), 'asked again').to.equal(JSON.stringify(value));
    }
    expect(json.stringify(undefined)).to.equal(undefined);
  });

  it('keeps the text of a large deeply frozen part met a second time, also inside a fresh frozen copy', () => {
    const json = new FrozenJson();
    let reads = 0;
    const part: Record<string, unknown> = { type: 'TextBlock' };
    // Large enough to be kept (only a card's large parts are); each read counted.
    Object.defineProperty(part, 'text', { enumerable: true, get: () => (reads++, 'x'.repeat(5000)) });
    const shared = deepFreeze({ type: 'AdaptiveCard', body: [part] });
    const answer = () => json.stringify({ attachments: [{ content: shared }] });
    const expected = JSON.stringify({ attachments: [{ content: shared }] });
    expect(answer()).to.equal(expected);
    expect(answer(), 'met a second time: kept').to.equal(expected);
    const readsWhenKept = reads;
    expect(answer(), 'asked again').to.equal(expected);
    expect(reads, 'a kept text is not made again').to.equal(readsWhenKept);
    // The per-person copy of a shared card: new, frozen, its parts the shared card's.
    const copy = deepFreeze({ ...shared, refresh: { userIds: ['29:someone'] } });
    const copyText = JSON.stringify(copy);
    const readsBefore = reads;
    expect(json.stringify(copy)).to.equal(copyText);
    expect(reads, 'the shared part is not read again').to.equal(readsBefore);
    // Another instance (another server) keeps its own texts.
    new FrozenJson().stringify(shared);
    expect(reads).to.equal(readsBefore + 1);
  });

  it('keeps nothing of a part met once, nor of a small one', () => {
    const json = new FrozenJson();
    let reads = 0;
    const small: Record<string, unknown> = {};
    Object.defineProperty(small, 'text', { enumerable: true, get: () => (reads++, 'small') });
    deepFreeze(small);
    const before = reads;
    for (let i = 0; i < 3; i++) json.stringify({ content: small });
    expect(reads - before, 'a small part is made every time').to.equal(3);
  });

  it('does not keep the text of a frozen object whose insides can still change', () => {
    const json = new FrozenJson();
    const inner = { count: 1, padding: 'p'.repeat(5000) };
    const outer = Object.freeze({ inner });
    expect(json.stringify(outer)).to.equal(JSON.stringify(outer));
    expect(json.stringify(outer), 'met a second time').to.equal(JSON.stringify(outer));
    inner.count = 2;
    expect(json.stringify(outer)).to.equal(JSON.stringify(outer)).and.to.include('"count":2');
    const when = Object.freeze(new Date(Date.UTC(2026, 0, 1)));
    const holder = Object.freeze({ when, padding: 'p'.repeat(5000) });
    expect(json.stringify(holder)).to.equal(JSON.stringify(holder));
    expect(json.stringify(holder), 'met a second time').to.equal(JSON.stringify(holder));
    when.setTime(Date.UTC(2027, 0, 1)); // a frozen Date still changes
    expect(json.stringify(holder)).to.equal(JSON.stringify(holder));
  });
});
