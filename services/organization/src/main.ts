import 'reflect-metadata';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { eventKeyProblems } from '@vanguard/auth';
import { refuseUnsafeProductionStart, startService } from '@vanguard/infra-config';
import { organizationConfig } from './organization.config';
import { OrganizationModule } from './organization.module';

async function bootstrap(): Promise<void> {
  // eventKeyProblems holds orgEventKeyProblems, and the keys of the decisions the county feed copies.
  await refuseUnsafeProductionStart('organization', [eventKeyProblems]);
  const config = organizationConfig();
  const app = await createHttpApp(OrganizationModule.register(config), {
    title: 'Vanguard · 党组织 organization service',
    description: '党组织树、党员、组织关系转接、领导干部联系点 / organisation tree, members, transfers, contact points',
    // Open downloads and import jobs are its long work: cut at half the deadline.
    shutdownDeadlineMs: shutdownDeadlineFromEnv('ORGANIZATION'),
  });
  // Loopback unless told otherwise (containers set HOST=0.0.0.0).
  await app.listen(config.port, process.env['HOST'] ?? '127.0.0.1');
}

startService('organization', bootstrap);
