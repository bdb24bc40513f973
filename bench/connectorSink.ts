/**
 * A Bot Connector stand-in for the benches: accepts every message the bot sends proactively
 * (alerts after an incident or an activation) with 200 and an activity id, on loopback, so that
 * alerts cost what they cost when delivered instead of failing and being retried.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startConnectorSink(): Promise<{
  url: string;
  received: () => number;
  close: () => Promise<void>;
}> {
  let received = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') received++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sink-${received}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
