/** The one bounded least-recently-used map behind the card, Traditional and answer-text caches. */
import { expect } from 'chai';
import { LeastRecentlyUsed } from '../services/domain/leastRecentlyUsed';

describe('LeastRecentlyUsed', () => {
  it('drops the least recently used entries until the costs fit; a get makes an entry the most recent', () => {
    const lru = new LeastRecentlyUsed<string, number>(10);
    lru.set('a', 1, 4);
    lru.set('b', 2, 4);
    expect(lru.get('a')).to.equal(1); // now b is the least recently used
    lru.set('c', 3, 4); // 12 > 10: b goes
    expect(lru.get('b')).to.equal(undefined);
    expect([lru.get('a'), lru.get('c')]).to.deep.equal([1, 3]);
    expect(lru.size).to.equal(2);
  });

  it('counts 1 per entry by default, replaces an entry’s cost when set again, and drops an entry larger than the bound', () => {
    const lru = new LeastRecentlyUsed<string, string>(2);
    lru.set('a', 'x');
    lru.set('b', 'y');
    lru.set('a', 'z'); // replaced, not counted twice
    expect(lru.size).to.equal(2);
    expect(lru.get('a')).to.equal('z');
    lru.set('huge', 'w', 3);
    expect(lru.size).to.equal(0);
    lru.set('c', 'v');
    lru.delete('c');
    lru.set('d', 'u');
    lru.set('e', 't');
    expect([lru.get('d'), lru.get('e')]).to.deep.equal(['u', 't']);
  });
});
