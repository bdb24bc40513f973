/**
 * The baseline for bench:bot: a bare CloudAdapter echo bot on restify, no storage, no cards.
 * Started as a child process: `node dist/bench/echoBot.js <port>`; prints "ready <port>".
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import type { AddressInfo } from 'node:net';

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new ActivityHandler();
bot.onMessage(async (context, next) => {
  await context.sendActivity(`You said: ${context.activity.text}`);
  await next();
});
const server = restify.createServer();
server.use(restify.plugins.jsonBodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
// A clean exit on SIGTERM, so that node --cpu-prof (bench:bot --profile) writes its profile.
process.on('SIGTERM', () => process.exit(0));
