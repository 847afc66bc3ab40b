import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { OrgEventVerifier } from '@vanguard/auth';
import { MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC } from '@vanguard/contracts';
import { RecordFollower, serviceKafka, type ServiceKafka, stateRecordOf } from '@vanguard/messaging';
import { RosterProjection } from './roster.projection';

export interface RosterRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** A new group reads the compacted topics from the beginning: that is the bootstrap. */
  readonly groupId: string;
  readonly topics?: readonly string[];
}

/** Follows the organization service's compacted state topics into the roster copy; at least once, applied idempotently. */
export class RosterRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RosterRunner.name);
  private readonly follower: RecordFollower;
  private readonly client: ServiceKafka;
  readonly projection: RosterProjection;
  /** The last offset applied per `topic:partition`: how far this consumer has read (tests). */
  readonly positions = new Map<string, bigint>();

  constructor(
    pool: Pool,
    private readonly options: RosterRunnerOptions,
    verifier: OrgEventVerifier = OrgEventVerifier.fromEnv(),
  ) {
    this.projection = new RosterProjection(pool, verifier);
    this.client = serviceKafka('assistance-roster', options.brokers);
    this.follower = new RecordFollower({
      kafka: this.client.kafka,
      groupId: options.groupId,
      topics: options.topics ?? [ORGANIZATION_STATE_TOPIC, MEMBER_STATE_TOPIC],
      eachBatch: async (batch) => {
        const result = await this.projection.apply(
          // A tombstone removes only with the signed removal it carries (ADR 0130).
          batch.messages.map(stateRecordOf),
        );
        this.positions.set(`${batch.topic}:${batch.partition}`, BigInt(batch.lastOffset()));
        if (result.refused)
          this.logger.warn(
            `roster: ${result.refused} record(s) refused (unsigned, invalid or unreadable; a tombstone without a signed removal)`,
          );
      },
      onStartError: (e, attempt) => this.logger.warn(`roster consumer did not start (attempt ${attempt}), trying again: ${String(e)}`),
    });
  }

  onApplicationBootstrap(): void {
    // Boot does not wait for the broker: the copy answers from what it holds meanwhile.
    if (this.options.enabled) this.follower.follow();
  }

  /** One start, awaited (tests). */
  start(): Promise<void> {
    return this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
    this.client.closeLeftovers((m) => this.logger.warn(m));
  }
}
