import { Global, Inject, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { heardPool } from '@vanguard/observability';

/** Connected as `vg_audit_reader`: SELECT on the audited stores, nothing else. */
export const READER_POOL = Symbol('READER_POOL');
/** Connected as `vg_audit`: appends to the auditors' trail. */
export const TRAIL_POOL = Symbol('TRAIL_POOL');

class PoolCloser implements OnModuleDestroy {
  constructor(
    @Inject(READER_POOL) private readonly reader: Pool,
    @Inject(TRAIL_POOL) private readonly trail: Pool,
  ) {}
  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.reader.end(), this.trail.end()]);
  }
}

@Global()
@Module({})
export class AuditPoolsModule {
  static forRoot(readerUrl: string, trailUrl: string): DynamicModule {
    return {
      module: AuditPoolsModule,
      providers: [
        {
          provide: READER_POOL,
          useFactory: () => heardPool('audit reader', { connectionString: readerUrl, max: 10, connectionTimeoutMillis: 3000 }),
        },
        {
          provide: TRAIL_POOL,
          useFactory: () => heardPool('audit trail', { connectionString: trailUrl, max: 4, connectionTimeoutMillis: 3000 }),
        },
        PoolCloser,
      ],
      exports: [READER_POOL, TRAIL_POOL],
    };
  }
}
