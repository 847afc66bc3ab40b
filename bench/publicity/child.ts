/**
 * The publicity service as `npm start` runs it (createHttpApp, the whole module), on the bench's
 * own schema, with the relay and both consumers off and the public read limit out of the way
 * (one load generator is one address). Started by bench/publicity/run.ts.
 *   node -r @swc-node/register bench/publicity/child.ts <databaseUrl> <schema> <port>
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import { publicityConfig } from '../../services/publicity/src/publicity.config';
import { PublicityModule } from '../../services/publicity/src/publicity.module';

async function main(): Promise<void> {
  const [databaseUrl, schema, port] = process.argv.slice(2) as [string, string, string];
  const config = {
    ...publicityConfig(infraConfig(), 'test'),
    databaseUrl,
    schema,
    relay: false,
    decisions: false,
    orgTree: false,
    honourRollReadsPerMinute: 1_000_000_000,
  };
  const app = await createHttpApp(PublicityModule.register(config), {
    title: 'bench',
    description: 'bench',
    shutdownDeadlineMs: shutdownDeadlineFromEnv('PUBLICITY'),
  });
  await app.listen(Number(port), '127.0.0.1');
  if (process.env['BENCH_PROFILE']) profileOnCommand(process.env['BENCH_PROFILE']);
}

/**
 * `--profile`: "start" on stdin starts a CPU profile, "stop" writes it (where a read's time goes).
 * Not a signal: stdin works the same on every platform, and a signal meant for the profiler must
 * never be taken for "shut down" (createHttpApp's shutdown takes SIGTERM, SIGINT and SIGHUP).
 */
function profileOnCommand(file: string): void {
  const session = new Session();
  session.connect();
  process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
    if (chunk.includes('start')) session.post('Profiler.enable', () => session.post('Profiler.start'));
    if (chunk.includes('stop'))
      session.post('Profiler.stop', (err, r) => {
        if (!err) writeFileSync(file, JSON.stringify(r.profile));
        process.stderr.write(`profile written to ${file}\n`);
      });
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
