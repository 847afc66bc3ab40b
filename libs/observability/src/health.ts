import { Controller, Get, Logger, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '@vanguard/auth';
import { Kafka, logLevel } from 'kafkajs';
import { Readiness, type ReadinessProbe } from './readiness';

export { Readiness, READINESS_CACHE_MS, READINESS_TIMEOUT_MS, type ComponentReadiness, type ReadinessProbe } from './readiness';

const PROBES = Symbol('READINESS_PROBES');

/** Postgres answers a query on the service's own connection (bounded by the readiness check, not here). */
export function postgresProbe(query: () => Promise<unknown>): ReadinessProbe {
  return { name: 'postgres', check: async () => void (await query()) };
}

/**
 * The broker answers metadata. A fresh admin client per check: kafkajs keeps no useful
 * state across a broker restart, and the service must see the broker come back by itself.
 */
export function kafkaProbe(brokers: readonly string[]): ReadinessProbe {
  return {
    name: 'kafka',
    async check() {
      const admin = new Kafka({
        clientId: 'vanguard-health',
        brokers: [...brokers],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1500,
        requestTimeout: 3000,
        retry: { retries: 0 },
      }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

/** An HTTP endpoint answers 2xx (Keycloak's JWKS: without it no token can be checked). */
export function httpProbe(name: string, url: string): ReadinessProbe {
  return {
    name,
    async check() {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    },
  };
}

@ApiTags('health')
@Public()
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: Readiness,
  ) {}

  @Get('live')
  @ApiOperation({ summary: '进程存活 / the process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      '就绪检查 / what this service needs to answer requests answers (its database, and Kafka and Keycloak where it depends on them); 503 names what is down',
  })
  async ready(): Promise<HealthCheckResult> {
    const states = await this.readiness.check();
    // Up or down only: the reasons name internal hosts and ports, so they go to the log (Readiness).
    return this.health.check(
      states.map(({ name, up }) => () => {
        const session = this.indicators.check(name);
        return up ? session.up() : session.down();
      }),
    );
  }
}

@Module({})
export class HealthModule {
  /**
   * `probes` is a factory so probes can use the module's own providers (a DataSource, config).
   * `timeoutMs` and `cacheMs` default to READINESS_TIMEOUT_MS and READINESS_CACHE_MS.
   */
  static register(options: {
    imports?: DynamicModule['imports'];
    inject?: InjectionToken[];
    useFactory: (...deps: never[]) => ReadinessProbe[];
    timeoutMs?: number;
    cacheMs?: number;
  }): DynamicModule {
    const { timeoutMs, cacheMs } = options;
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        { provide: PROBES, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: Readiness,
          useFactory: (probes: ReadinessProbe[]) => new Readiness(probes, { timeoutMs, cacheMs, log: new Logger('Readiness') }),
          inject: [PROBES],
        },
      ],
    };
  }
}
