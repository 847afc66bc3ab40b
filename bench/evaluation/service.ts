/**
 * The evaluation service for the bench, as main.ts starts it (configuration from the
 * environment the bench gives it), except that its relay publishes every event to the bench's
 * own topic: the relay's work is in the figures, and nothing reaches the platform's topic.
 *   node -r @swc-node/register bench/evaluation/service.ts <relay topic>
 */
import 'reflect-metadata';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { evaluationConfig } from '../../services/evaluation/src/evaluation.config';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';

async function main(): Promise<void> {
  const topic = process.argv[2];
  if (!topic) throw new Error('usage: service.ts <relay topic>');
  const config = evaluationConfig();
  const app = await createHttpApp(EvaluationModule.register({ ...config, relay: { enabled: true, topic } }), {
    title: 'bench',
    description: 'bench',
    shutdownDeadlineMs: shutdownDeadlineFromEnv('EVALUATION'),
  });
  await app.listen(config.port, '127.0.0.1');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
