import 'reflect-metadata';
import { eventKeyProblems } from '@vanguard/auth';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { refuseUnsafeProductionStart, startService } from '@vanguard/infra-config';
import { publicityConfig } from './publicity.config';
import { PublicityModule } from './publicity.module';

async function bootstrap(): Promise<void> {
  // The org-tree copy trusts only signed organization records: a development verify key is refused here.
  await refuseUnsafeProductionStart('publicity', [eventKeyProblems]);
  const config = publicityConfig();
  const app = await createHttpApp(PublicityModule.register(config), {
    title: 'Vanguard · 宣传 publicity service',
    description: '先进典型、稿件与专栏、宣传报道统计、光荣榜 / exemplars, articles and columns, media statistics, the public honour roll',
    shutdownDeadlineMs: shutdownDeadlineFromEnv('PUBLICITY'),
  });
  await app.listen(config.port, process.env['HOST'] ?? '127.0.0.1');
}

startService('publicity', bootstrap);
