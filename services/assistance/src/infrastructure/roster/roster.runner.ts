import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Pool } from 'pg';
import { OrgEventVerifier } from '@vanguard/auth';
import { MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC } from '@vanguard/contracts';
import { RosterProjection } from './roster.projection';

export interface RosterRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** A new group reads the compacted topics from the beginning: that is the bootstrap. */
  readonly groupId: string;
}

/** Follows the organization service's compacted state topics into the roster copy; at least once, applied idempotently. */
export class RosterRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RosterRunner.name);
  private consumer: Consumer | undefined;
  readonly projection: RosterProjection;

  constructor(
    pool: Pool,
    private readonly options: RosterRunnerOptions,
    verifier: OrgEventVerifier = OrgEventVerifier.fromEnv(),
  ) {
    this.projection = new RosterProjection(pool, verifier);
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    // Boot does not wait for the broker: the copy answers from what it holds meanwhile.
    this.start().catch((e: unknown) => this.logger.error(`roster consumer did not start: ${String(e)}`));
  }

  private async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'assistance-roster', brokers: [...this.options.brokers], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: this.options.groupId });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [ORGANIZATION_STATE_TOPIC, MEMBER_STATE_TOPIC], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const result = await this.projection.apply(
          batch.messages.map((m) => ({ key: m.key?.toString('utf8') ?? null, value: m.value ? m.value.toString('utf8') : null })),
        );
        if (result.refused) this.logger.warn(`roster: ${result.refused} record(s) refused (unsigned, invalid or unreadable)`);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
