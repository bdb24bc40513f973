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

  it('makes the text of a deeply frozen part once, also when a fresh frozen copy holds it', () => {
    const json = new FrozenJson();
    let reads = 0;
    const part: Record<string, unknown> = { type: 'TextBlock' };
    // Long enough to be kept (short texts are cheaper made again than looked up).
    Object.defineProperty(part, 'text', {
      enumerable: true,
      get: () => `read ${++reads} ${'x'.repeat(300)}`,
    });
    const shared = deepFreeze({ type: 'AdaptiveCard', body: [part] });
    const frozenAt = reads; // deepFreeze reads the getter too
    const first = json.stringify({ attachments: [{ content: shared }] });
    expect(reads).to.equal(frozenAt + 1);
    expect(json.stringify({ attachments: [{ content: shared }] }), 'asked again').to.equal(first);
    // The per-person copy of a shared card: new, frozen, its parts the shared card's.
    const copy = deepFreeze({ ...shared, refresh: { userIds: ['29:someone'] } });
    const text = `read ${frozenAt + 1} ${'x'.repeat(300)}`;
    expect(json.stringify(copy)).to.equal(
      JSON.stringify({
        type: 'AdaptiveCard',
        body: [{ type: 'TextBlock', text }],
        refresh: { userIds: ['29:someone'] },
      }),
    );
    expect(reads, 'the shared part is not read again').to.equal(frozenAt + 1);
    // Another instance (another server) keeps its own texts.
    expect(new FrozenJson().stringify(shared)).to.include(`read ${frozenAt + 2} `);
  });

  it('does not keep the text of a frozen object whose insides can still change', () => {
    const json = new FrozenJson();
    const inner = { count: 1, padding: 'p'.repeat(300) };
    const outer = Object.freeze({ inner });
    expect(json.stringify(outer)).to.equal(JSON.stringify(outer));
    inner.count = 2;
    expect(json.stringify(outer)).to.equal(JSON.stringify(outer)).and.to.include('"count":2');
    const when = Object.freeze(new Date(Date.UTC(2026, 0, 1)));
    const holder = Object.freeze({ when, padding: 'p'.repeat(300) });
    expect(json.stringify(holder)).to.equal(JSON.stringify(holder));
    when.setTime(Date.UTC(2027, 0, 1)); // a frozen Date still changes
    expect(json.stringify(holder)).to.equal(JSON.stringify(holder));
  });
});
