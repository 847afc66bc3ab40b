import { Inject, Injectable } from '@nestjs/common';
import { publicContracts } from '@vanguard/contracts';
import { TypeOrmOutbox } from '@vanguard/messaging';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../application/ports/id-generator.port';
import type { EventContext, Outbox } from '../../application/ports/outbox.port';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import { TypeOrmUnitOfWork } from '../persistence/typeorm-unit-of-work';
import { toIntegrationEvent } from './integration-event.mapper';

/**
 * Writes events to @vanguard/messaging's outbox in the command's transaction, numbering
 * each stream's events (stream_versions row, locked by the upsert until commit).
 */
@Injectable()
export class TypeOrmOutboxAdapter implements Outbox {
  private readonly outbox = new TypeOrmOutbox({ contracts: publicContracts });

  constructor(
    private readonly uow: TypeOrmUnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async add(events: readonly DomainEvent[], context: EventContext): Promise<void> {
    if (!events.length) return;
    if (!this.uow.inTransaction()) throw new Error('the outbox is written only inside a unit of work');
    const manager = this.uow.manager();
    for (const event of events) {
      const streamId = `${event.stream}-${event.aggregateId}`;
      const [row] = await manager.query<{ version: number }[]>(
        `insert into stream_versions (stream_id, version) values ($1, 1)
         on conflict (stream_id) do update set version = stream_versions.version + 1 returning version`,
        [streamId],
      );
      const envelope = toIntegrationEvent(event, context, {
        eventId: this.ids.newId(),
        streamVersion: row!.version,
        now: this.clock.now(),
      });
      await this.outbox.add(manager, envelope);
    }
  }
}
