import { Global, Module, type DynamicModule, type OnModuleDestroy, Inject } from '@nestjs/common';
import { Pool } from 'pg';
import { heardPool } from '@vanguard/observability';

export const PG_POOL = Symbol('PG_POOL');

class PoolCloser implements OnModuleDestroy {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}
  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

/** The service's one pool, connected as its own role (search_path = its schema). */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: PG_POOL,
          useFactory: () => heardPool('evaluation', { connectionString: databaseUrl, max: 20, connectionTimeoutMillis: 3000 }),
        },
        PoolCloser,
      ],
      exports: [PG_POOL],
    };
  }
}
