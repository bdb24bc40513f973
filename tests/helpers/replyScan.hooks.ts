/**
 * Root hooks (loaded by .mocharc.json): every reply any suite saw is scanned once, after the
 * last test, for internal tokens (issue 13: nothing internal on screen). A finding fails the run
 * with the test that produced it.
 */
import { REPLY_LOG } from './internalTokens';

export const mochaHooks = {
  beforeEach(this: Mocha.Context) {
    REPLY_LOG.startTest(this.currentTest?.fullTitle() ?? '(unknown test)');
  },
  afterAll() {
    const findings = REPLY_LOG.findings();
    if (findings.length === 0) return;
    const lines = findings
      .slice(0, 40)
      .map((f) => `  ${f.kind} "${f.token}" in "${f.text.replace(/\s+/g, ' ')}" (${f.test})`);
    throw new Error(
      `${findings.length} internal token(s) in replies people see:\n${lines.join('\n')}${findings.length > 40 ? '\n  …' : ''}`,
    );
  },
};
