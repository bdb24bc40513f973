/** What "it" means after a benefit is named again: rewritten only when it changed or aged. */
import { expect } from 'chai';
import { FOCUS_REFRESH_MS, FOCUS_TTL_MS, refreshedFocus, type Focus } from '../dialogs/focus';

describe('refreshedFocus (the focus kept when a benefit is named again)', () => {
  const at = 1_800_000_000_000;
  const gold: Focus = { benefitId: 'gold.productSupport', type: 'productSupport', at };
  const later = (f: Focus, ms: number): Focus => ({ ...f, at: f.at + ms });

  it('the same benefit within a minute: the stored focus, unchanged (no state write)', () => {
    expect(refreshedFocus(gold, later(gold, FOCUS_REFRESH_MS - 1))).to.equal(gold);
  });

  it('the same benefit a minute or more later: the new time, so "it" lasts its full time again', () => {
    const next = later(gold, FOCUS_REFRESH_MS);
    expect(refreshedFocus(gold, next)).to.equal(next);
  });

  it('another benefit, another set of benefits, none before, or an expired one: the new focus', () => {
    const other: Focus = { ...gold, benefitId: 'silver.productSupport', at: at + 1 };
    expect(refreshedFocus(gold, other)).to.equal(other);
    const both: Focus = { ...gold, benefitIds: [gold.benefitId, other.benefitId], at: at + 1 };
    expect(refreshedFocus(gold, both)).to.equal(both);
    expect(refreshedFocus(undefined, gold)).to.equal(gold);
    const expired = later(gold, -FOCUS_TTL_MS - 1);
    expect(refreshedFocus(expired, gold)).to.equal(gold);
  });
});
