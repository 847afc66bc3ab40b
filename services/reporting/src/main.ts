import 'reflect-metadata';
import { eventKeyProblems } from '@vanguard/auth';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { refuseUnsafeProductionStart, startService } from '@vanguard/infra-config';
import { reportingConfig } from './reporting.config';
import { ReportingModule } from './reporting.module';

async function bootstrap(): Promise<void> {
  await refuseUnsafeProductionStart('reporting', [eventKeyProblems]);
  const config = reportingConfig();
  const app = await createHttpApp(ReportingModule.register(config), {
    title: 'Vanguard · 统计报告 reporting service',
    description:
      '只读：由已发布事件计算的统计数、工作总结（每个数字可追溯到事件）、统计表与看板 / read-only figures computed from published events, the traceable work summary, statistics workbooks and dashboards',
    shutdownDeadlineMs: shutdownDeadlineFromEnv('REPORTING'),
  });
  // Loopback unless told otherwise (containers set HOST=0.0.0.0).
  await app.listen(config.port, process.env['HOST'] ?? '127.0.0.1');
}

startService('reporting', bootstrap);
