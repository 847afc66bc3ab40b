import 'reflect-metadata';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { eventKeyProblems } from '@vanguard/auth';
import { refuseUnsafeProductionStart, startService } from '@vanguard/infra-config';
import { evaluationConfig } from './evaluation.config';
import { EvaluationModule } from './evaluation.module';

async function bootstrap(): Promise<void> {
  await refuseUnsafeProductionStart('evaluation', [eventKeyProblems]);
  const config = evaluationConfig();
  const app = await createHttpApp(EvaluationModule.register(config), {
    title: 'Vanguard · 评价 evaluation service',
    description: '创先争优活动、季度周期、公开承诺 / campaigns, quarterly cycles, pledges (event-sourced)',
    shutdownDeadlineMs: shutdownDeadlineFromEnv('EVALUATION'),
  });
  // Loopback unless told otherwise (containers set HOST=0.0.0.0).
  await app.listen(config.port, process.env['HOST'] ?? '127.0.0.1');
}

startService('evaluation', bootstrap);
