import 'reflect-metadata';
import { eventKeyProblems } from '@vanguard/auth';
import { createHttpApp, shutdownDeadlineFromEnv } from '@vanguard/http';
import { refuseUnsafeProductionStart, startService } from '@vanguard/infra-config';
import { logKeyProblems, witnessKeyProblems } from '@vanguard/transparency-log';
import { auditConfig } from './audit.config';
import { AuditModule } from './audit.module';

async function bootstrap(): Promise<void> {
  // The log key signs every checkpoint and bundle, audit's event key the checkpoint events (ADR 0063):
  // the development ones are public in the source.
  await refuseUnsafeProductionStart('audit', [logKeyProblems, witnessKeyProblems, eventKeyProblems]);
  const config = auditConfig();
  const app = await createHttpApp(AuditModule.register(config), {
    title: 'Vanguard · 审计 audit service',
    description:
      '只读重放与核验：时间线、某时刻状态、差异、决定重放、哈希链核验、审计人员查询留痕 / read-only replay, as-of, diff, explain, verify, and the auditors’ own trail',
    shutdownDeadlineMs: shutdownDeadlineFromEnv('AUDIT'),
  });
  // Loopback unless told otherwise (containers set HOST=0.0.0.0).
  await app.listen(config.port, process.env['HOST'] ?? '127.0.0.1');
}

startService('audit', bootstrap);
