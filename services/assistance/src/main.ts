import 'reflect-metadata';
import { eventKeyProblems } from '@vanguard/auth';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { refuseUnsafeProductionStart, startService } from '@vanguard/infra-config';
import { assistanceConfig } from './assistance.config';
import { AssistanceModule } from './assistance.module';

async function bootstrap(): Promise<void> {
  // The roster copy trusts only signed organization records: a development verify key is refused here.
  await refuseUnsafeProductionStart('assistance', [eventKeyProblems]);
  const config = assistanceConfig();
  const app = await createHttpApp(AssistanceModule.register(config), {
    title: 'Vanguard · 帮扶 assistance service',
    description:
      '结对帮扶、驻村干部、帮扶项目与资金(分)、办实事、走访 / pairings, dispatched cadres, projects and funds in fen, deeds, visits',
    // Uploads still arriving and import jobs are its long work: cut at half the deadline.
    shutdownDeadlineMs: shutdownDeadlineFromEnv('ASSISTANCE'),
  });
  // Loopback unless told otherwise (containers set HOST=0.0.0.0).
  await app.listen(config.port, process.env['HOST'] ?? '127.0.0.1');
}

startService('assistance', bootstrap);
