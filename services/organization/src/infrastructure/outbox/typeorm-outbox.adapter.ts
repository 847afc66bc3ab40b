import { Inject, Injectable } from '@nestjs/common';
import { publicContracts } from '@vanguard/contracts';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../application/ports/id-generator.port';
import type { EventContext, Outbox } from '../../application/ports/outbox.port';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import { TypeOrmUnitOfWork } from '../persistence/typeorm-unit-of-work';
import { toIntegrationEvent } from './integration-event.mapper';

/**
 * Numbers the event on its stream (the stream_versions row, locked by the upsert until
 * commit) and writes it to the outbox in ONE statement: every command pays one round trip
 * per event instead of two, which on the enrolment path is a sixth of its statements.
 * The envelope gets its streamVersion from the upsert's `returning`, inside the statement.
 */
const NUMBER_AND_WRITE = `
  with v as (
    insert into stream_versions (stream_id, version) values ($4, 1)
    on conflict (stream_id) do update set version = stream_versions.version + 1
    returning version)
  insert into vanguard_outbox (event_id, event_type, event_version, stream_id, topic, envelope)
  select $1, $2, $3, $4, $5, jsonb_set($6::jsonb, '{streamVersion}', to_jsonb(v.version)) from v`;

/**
 * The version the envelope is validated with before the statement gives it its real one.
 * The contract asks only for an integer ≥ 0 there and the counter starts at 1, so an
 * envelope valid with 1 is valid with the version the statement writes.
 */
const VALIDATED_WITH_VERSION = 1;

/**
 * Writes events to the outbox of @vanguard/messaging's table (`vanguard_outbox`, relayed by
 * its OutboxRelaySource) in the command's transaction. Like its TypeOrmOutbox, every event
 * is validated against its contract before it is written and what is stored is the
 * contract's parsed output, so a field the contract does not know never reaches Kafka.
 */
@Injectable()
export class TypeOrmOutboxAdapter implements Outbox {
  constructor(
    private readonly uow: TypeOrmUnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async add(events: readonly DomainEvent[], context: EventContext): Promise<void> {
    if (!events.length) return;
    if (!this.uow.inTransaction()) throw new Error('the outbox is written only inside a unit of work');
    const manager = this.uow.manager();
    // Validate all before writing any: one bad event refuses the command's whole batch.
    const valid = events.map((event) =>
      publicContracts.assertValid(
        toIntegrationEvent(event, context, { eventId: this.ids.newId(), streamVersion: VALIDATED_WITH_VERSION, now: this.clock.now() }),
      ),
    );
    // One after another: events of one stream take consecutive versions in their order.
    for (const { envelope, contract } of valid) {
      await manager.query(NUMBER_AND_WRITE, [
        envelope.eventId,
        envelope.type,
        envelope.version,
        envelope.streamId,
        contract.topic,
        JSON.stringify(envelope),
      ]);
    }
  }
}
