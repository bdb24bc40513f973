/** The token buckets behind the turn limits: refill, and memory bounded whatever the number of senders. */
import { expect } from 'chai';
import { TokenBuckets } from '../bot/turnLimits';
import { loadConfig, ConfigError } from '../services/config';

describe('turn limit buckets', () => {
  it('a burst, then the per-minute rate', () => {
    const b = new TokenBuckets({ burst: 3, perMinute: 60 }, 100);
    const takes = (n: number, at: number) => Array.from({ length: n }, () => b.take('p', at).allowed);
    expect(takes(4, 0)).to.deep.equal([true, true, true, false]);
    expect(takes(2, 1_000)).to.deep.equal([true, false]); // one a second
    expect(takes(4, 61_000)).to.deep.equal([true, true, true, false]); // never more than the burst
  });

  it('100,000 distinct senders: the map stays at its capacity, and rested senders are forgotten', () => {
    const b = new TokenBuckets({ burst: 60, perMinute: 120 }, 50_000);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) expect(b.take(`tenant\u0000aad:${i}`, 0).allowed).to.equal(true);
    expect(b.size).to.equal(50_000);
    expect(process.memoryUsage().heapUsed - heapBefore).to.be.below(64 * 2 ** 20);
    // A flooder among them is not forgotten while busy: the least recently used go first.
    for (let i = 0; i < 60; i++) b.take('flooder', 1);
    expect(b.take('flooder', 2).allowed).to.equal(false);
    // 30 s later every bucket has refilled: the next new sender sweeps them all away.
    b.take('newcomer', 40_000);
    expect(b.size).to.equal(1);
  });
});

describe('turn limit configuration', () => {
  it('defaults stop floods, not people', () => {
    expect(loadConfig({}).turnLimits).to.deep.equal({
      enabled: true,
      person: { burst: 60, perMinute: 120 },
      tenant: { burst: 1_500, perMinute: 3_000 },
    });
    expect(loadConfig({}).staleData).to.deep.equal({
      stateIdleDays: 30,
      referenceIdleDays: 365,
      everyMinutes: 60,
    });
  });

  it('bad values are reported by variable name', () => {
    try {
      loadConfig({
        TURN_LIMITS: 'maybe',
        PERSON_TURN_BURST: '0',
        PERSON_TURNS_PER_MINUTE: 'fast',
        TENANT_TURN_BURST: '-1',
        TENANT_TURNS_PER_MINUTE: '1.5',
        STATE_IDLE_DAYS: '0',
        REFERENCE_IDLE_DAYS: 'never',
        STALE_DATA_CLEANUP_MINUTES: '0',
      });
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable)).to.deep.equal([
        'TURN_LIMITS',
        'PERSON_TURN_BURST',
        'PERSON_TURNS_PER_MINUTE',
        'TENANT_TURN_BURST',
        'TENANT_TURNS_PER_MINUTE',
        'STATE_IDLE_DAYS',
        'REFERENCE_IDLE_DAYS',
        'STALE_DATA_CLEANUP_MINUTES',
      ]);
    }
  });
});
