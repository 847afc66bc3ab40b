/**
 * The assistance service for the bench, in a process of its own (as `npm start` runs it: the
 * load generator does not share its event loop), over the bench's schema with the roster consumer
 * off and the relay publishing every event to the bench's own topic (off without one). Prints
 * `ready <port>` once it listens; stops on SIGTERM.
 *   node -r @swc-node/register bench/assistance/service.ts <database url> <schema> [relay topic]
 */
import { Test } from '@nestjs/testing';
import { configureHttpApp } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import type * as ConfigModule from '../../services/assistance/src/assistance.config';
import type * as ServiceModule from '../../services/assistance/src/assistance.module';

async function main(): Promise<void> {
  const [databaseUrl, schema, relayTopic] = process.argv.slice(2);
  if (!databaseUrl || !schema) throw new Error('usage: service.ts <database url> <schema>');
  process.env['LOG_LEVEL'] ??= 'warn';
  // Loaded after LOG_LEVEL is set: the logging module reads it when it loads (no access log per request).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { assistanceConfig } = require('../../services/assistance/src/assistance.config') as typeof ConfigModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AssistanceModule } = require('../../services/assistance/src/assistance.module') as typeof ServiceModule;
  const config = { ...assistanceConfig(infraConfig(), 'test'), databaseUrl, schema, relay: !!relayTopic, relayTopic, roster: false };
  const moduleRef = await Test.createTestingModule({ imports: [AssistanceModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'bench', description: 'bench' });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`ready ${new URL((await app.getUrl()).replace('[::1]', '127.0.0.1')).port}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
