import { Controller, Get, Inject, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '@vanguard/auth';
import { Kafka, logLevel } from 'kafkajs';

/** One real part a service needs before it can serve: checked on every readiness call. */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

const PROBES = Symbol('READINESS_PROBES');

/** Postgres answers a query on the service's own connection. */
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
    @Inject(PROBES) private readonly probes: ReadinessProbe[],
  ) {}

  @Get('live')
  @ApiOperation({ summary: '进程存活 / the process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: '就绪检查 / Postgres, Kafka and Keycloak answer; 503 names what is down' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check(
      this.probes.map((probe) => async () => {
        const session = this.indicators.check(probe.name);
        try {
          await probe.check();
          return session.up();
        } catch (e) {
          return session.down({ message: e instanceof Error ? e.message || e.name : String(e) });
        }
      }),
    );
  }
}

@Module({})
export class HealthModule {
  /** `probes` is a factory so probes can use the module's own providers (a DataSource, config). */
  static register(options: {
    imports?: DynamicModule['imports'];
    inject?: InjectionToken[];
    useFactory: (...deps: never[]) => ReadinessProbe[];
  }): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [{ provide: PROBES, useFactory: options.useFactory, inject: options.inject ?? [] }],
    };
  }
}
