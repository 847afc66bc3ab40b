import 'reflect-metadata';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { eventKeyProblems } from '@vanguard/auth';
import { refuseUnsafeProductionStart, startService } from '@vanguard/infra-config';
import { commendationConfig } from './commendation.config';
import { CommendationModule } from './commendation.module';

async function bootstrap(): Promise<void> {
  await refuseUnsafeProductionStart('commendation', [eventKeyProblems]);
  const config = commendationConfig();
  const app = await createHttpApp(CommendationModule.register(config), {
    title: 'Vanguard · 表彰 commendation service',
    description:
      '表彰项目、逐级推荐、名额、公示与异议、表彰决定与撤销 / award programmes, nominations, review chain, public notice, objections, decisions (event-sourced)',
    shutdownDeadlineMs: shutdownDeadlineFromEnv('COMMENDATION'),
  });
  // Loopback unless told otherwise (containers set HOST=0.0.0.0).
  await app.listen(config.port, process.env['HOST'] ?? '127.0.0.1');
}

startService('commendation', bootstrap);
