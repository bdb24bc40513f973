/** The read cache's size estimate (services/domain/heapSize.ts): what grows it, what counts once. */
import { expect } from 'chai';
import { heapBytes } from '../services/domain/heapSize';

describe('heap size estimate', () => {
  it('grows with what a value holds: characters, elements, properties, entries', () => {
    expect(heapBytes('x'.repeat(1000)) - heapBytes('')).to.equal(1000);
    expect(heapBytes('权'.repeat(1000)) - heapBytes(''), 'two bytes a Chinese character').to.equal(2000);
    expect(heapBytes([1, 2, 3])).to.be.above(heapBytes([1]));
    expect(heapBytes({ a: 'x', b: 'y' })).to.be.above(heapBytes({ a: 'x' }));
    expect(heapBytes(new Map([['k', 'v'.repeat(500)]]))).to.be.above(500);
    expect(heapBytes(new Set(['v'.repeat(500)]))).to.be.above(500);
    expect([null, undefined, true, 7].map(heapBytes)).to.deep.equal([0, 0, 0, 0]);
  });

  it('a value reached twice, or a cycle, counts once', () => {
    const shared = { name: 'x'.repeat(10_000) };
    expect(heapBytes([shared, shared])).to.be.below(heapBytes([shared, { ...shared }]));
    const cycle: Record<string, unknown> = { name: 'x'.repeat(100) };
    cycle.self = cycle;
    expect(heapBytes(cycle)).to.be.within(100, 300);
  });
});
