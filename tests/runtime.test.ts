/** restify 11's HTTP/2 module (spdy) is replaced by vendor/spdy-stub (package.json overrides). */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import * as restify from 'restify';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('runtime: the HTTP server library without spdy', () => {
  it('loads with nothing on stderr (spdy’s http-deceiver printed DEP0111 on Node 20 and cannot load on 24)', () => {
    const run = spawnSync(process.execPath, ['-e', "require('restify')"], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.equal('');
  });

  it('asking it for HTTP/2 fails at once with a clear message instead of half working', () => {
    expect(() => restify.createServer({ spdy: {} })).to.throw('HTTP/2 via spdy is not supported');
  });
});
