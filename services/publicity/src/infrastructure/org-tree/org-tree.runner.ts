import type { Pool } from 'pg';
import { OrgTreeRunner as SharedOrgTreeRunner, type OrgTreeRunnerOptions, type ScopeService } from '@vanguard/auth';
import { metricsRegistry } from '@vanguard/observability';

/** The publicity service's copy of the organisation tree (libs/auth's runner, under its own Kafka client id). */
export class OrgTreeRunner extends SharedOrgTreeRunner {
  constructor(pool: Pool, scope: ScopeService, options: OrgTreeRunnerOptions) {
    super(pool, scope, { clientId: 'publicity', metrics: metricsRegistry, ...options });
  }
}
