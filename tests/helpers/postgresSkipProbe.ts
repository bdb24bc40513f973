/**
 * Run by tests/postgresHarness.test.ts in a child mocha (not matched by the suite's glob): two
 * files' worth of PostgreSQL suites, to see how the harness behaves without binaries.
 */
import { expect } from 'chai';
import { usePostgresDatabase } from './postgres';

for (const file of ['first', 'second'])
  describe(`a PostgreSQL suite (${file})`, () => {
    const db = usePostgresDatabase();
    it('has a database', () => {
      expect(db.url).to.match(/^postgres:\/\//);
    });
  });
