'use strict';
// restify 11 requires spdy when it loads and calls it only for its `spdy` (HTTP/2) option,
// which this bot never sets. Failing loudly beats serving HTTP/2 through a missing parser.
module.exports = {
  createServer() {
    throw new Error('HTTP/2 via spdy is not supported by this bot (vendor/spdy-stub)');
  },
};
