/**
 * A periodic task during a database outage (issue 11): the stale-data cleaner on a real SQLite
 * file whose tables are made unreadable, then readable again, logs one line when its passes
 * start failing and one when they work again, however many passes ran meanwhile.
 */
import { expect } from 'chai';
import { memoryLogger } from '../bot/logger';
import { FailureStreak } from '../services/failureStreak';
import { StaleDataCleaner } from '../services/storage/staleData';
import { offer, world, type TestWorld } from './helpers/fixtures';

describe('repeated failures of a periodic task', () => {
  let w: TestWorld;
  beforeEach(async () => {
    w = await world([offer('ap', 'actionPack', null)]);
  });
  afterEach(() => w.close());

  const until = async (done: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(done()).to.equal(true);
  };

  it('the stale-data cleaner: one line when its passes fail, one when they work again', async () => {
    const log = memoryLogger();
    let passes = 0;
    const cleaner = new StaleDataCleaner({
      store: w.store,
      clock: w.clock,
      log,
      stateIdleDays: 30,
      referenceIdleDays: 365,
      everyMs: 5,
    });
    const runOnce = cleaner.runOnce.bind(cleaner);
    cleaner.runOnce = () => (passes++, runOnce());
    // The table it deletes from is gone, as good as a database it cannot reach.
    w.store.db.exec('ALTER TABLE bot_state RENAME TO bot_state_away');
    cleaner.start();
    await until(() => passes >= 10);
    w.store.db.exec('ALTER TABLE bot_state_away RENAME TO bot_state');
    const failed = passes;
    await until(() => passes >= failed + 5);
    await cleaner.stop();
    expect(log.lines.map((l) => [l.level, l.msg])).to.deep.equal([
      ['error', 'stale data cleanup failed'],
      ['info', 'stale data cleanup failed: works again'],
    ]);
    expect(log.lines[0].fields.error).to.match(/bot_state/);
    expect(log.lines[1].fields.failures).to.be.at.least(9);
  });

  it('a failure that goes on is recalled now and then, with how many and how long', () => {
    const log = memoryLogger();
    let now = 0;
    const streak = new FailureStreak(log, 'task failed', { remindEveryMs: 60_000, now: () => now });
    for (; now <= 150_000; now += 1_000) streak.failed(new Error('connection refused'));
    streak.succeeded();
    streak.succeeded();
    expect(log.lines.map((l) => [l.msg, l.fields.failures])).to.deep.equal([
      ['task failed', undefined],
      ['task failed (still)', 61],
      ['task failed (still)', 121],
      ['task failed: works again', 151],
    ]);
  });

  it('runs that fail and work by turns get a line now and then with the brief failures counted, not two lines a run', () => {
    const log = memoryLogger();
    let now = 0;
    const streak = new FailureStreak(log, 'task failed', { remindEveryMs: 60_000, now: () => now });
    // Fails on even seconds, works on odd ones, for 150 s.
    for (; now < 150_000; now += 1_000) {
      if ((now / 1_000) % 2 === 0) streak.failed(new Error('connection reset'));
      else streak.succeeded();
    }
    expect(
      log.lines.map((l) => [l.level, l.msg, l.fields.intermittentFailures, l.fields.intermittentRecoveries]),
    ).to.deep.equal([
      ['error', 'task failed', undefined, undefined],
      ['info', 'task failed: works again', undefined, undefined],
      // 2 s … 60 s: 30 brief failures, each followed by a working run.
      ['error', 'task failed', 30, 30],
      ['info', 'task failed: works again', undefined, undefined],
      ['error', 'task failed', 30, 30],
      ['info', 'task failed: works again', undefined, undefined],
    ]);
  });

  it('a streak that lasts is told at its third failure in a row, even just after the last line', () => {
    const log = memoryLogger();
    let now = 0;
    const streak = new FailureStreak(log, 'task failed', { remindEveryMs: 600_000, now: () => now });
    streak.failed(new Error('timeout'));
    now = 1_000;
    streak.succeeded();
    now = 5_000;
    streak.failed(new Error('timeout'));
    now = 6_000;
    streak.succeeded(); // brief: not told
    for (now = 10_000; now <= 14_000; now += 1_000) streak.failed(new Error('connection refused'));
    now = 20_000;
    streak.succeeded();
    expect(log.lines.map((l) => [l.msg, l.fields.failures, l.fields.intermittentFailures])).to.deep.equal([
      ['task failed', undefined, undefined],
      ['task failed: works again', 1, undefined],
      ['task failed', 3, 1],
      ['task failed: works again', 5, undefined],
    ]);
    expect(log.lines[2].fields.error).to.equal('connection refused');
    expect(log.lines[2].fields.failingForMs).to.equal(2_000);
  });
});
