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
 * The version the envelope is validated with before the statement gives it its real one.
 * The contract asks only for an integer ≥ 0 there and the counter starts at 1, so an
 * envelope valid with 1 is valid with the version the statement writes.
 */
export const VALIDATED_WITH_VERSION = 1;

/** @vanguard/messaging's outbox as this service configures it: events numbered on their streams in `stream_versions`. */
export const organizationOutbox = (): TypeOrmOutbox => new TypeOrmOutbox({ contracts: publicContracts, streamVersions: 'stream_versions' });

/**
 * Writes events to the outbox of @vanguard/messaging's table (`vanguard_outbox`, relayed by
 * its OutboxRelaySource) in the command's transaction. Like its TypeOrmOutbox, every event
 * is validated against its contract before it is written and what is stored is the
 * contract's parsed output, so a field the contract does not know never reaches Kafka.
 */
@Injectable()
export class TypeOrmOutboxAdapter implements Outbox {
  private readonly outbox = organizationOutbox();

  constructor(
    private readonly uow: TypeOrmUnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async add(events: readonly DomainEvent[], context: EventContext): Promise<void> {
    if (!events.length) return;
    if (!this.uow.inTransaction()) throw new Error('the outbox is written only inside a unit of work');
    const envelopes = events.map((event) =>
      toIntegrationEvent(event, context, { eventId: this.ids.newId(), streamVersion: VALIDATED_WITH_VERSION, now: this.clock.now() }),
    );
    // @vanguard/messaging's numbered write, the same the guarded enrolment uses (ADR 0082): each
    // event validated first, then numbered on its stream and stored in one statement, in order.
    await this.outbox.add(this.uow.manager(), ...envelopes);
  }
}
