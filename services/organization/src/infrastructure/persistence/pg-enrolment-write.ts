import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { namedStatement } from '@vanguard/messaging';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import type { Actor } from '../../application/ports/actor';
import type { EnrolmentWrite } from '../../application/ports/enrolment-write.port';
import type { IdNumberHolder } from '../../application/ports/id-number-checks.port';
import { ID_GENERATOR, type IdGenerator } from '../../application/ports/id-generator.port';
import type { EventContext } from '../../application/ports/outbox.port';
import type { Member } from '../../domain/member/member.aggregate';
import { toIntegrationEvent } from '../outbox/integration-event.mapper';
import { organizationOutbox, VALIDATED_WITH_VERSION } from '../outbox/typeorm-outbox.adapter';
import { holdInsert } from '../roster/pg-id-number-checks';
import { MemberMapper } from './member.mapper';
import { idNumberTaken, newMemberCtes } from './typeorm-member.repository';

/** The organisation's row, shared-locked, while it is active at the version the command read: $1 id, $2 version. */
const GUARD = `guard as (select id from organizations where id = $1::uuid and version = $2::int and status = 'active' for share)`;

/**
 * The enrolment's guarded write (ADR 0082): one autocommit statement whose `guard` takes the
 * organisation's row `for share` where it is still active at the version read — a dissolution,
 * merger or move that committed since makes it find no row, and one that comes later waits for
 * this statement, as it waited for the locked path's transaction — then the member and history
 * (the repository's own CTEs) and the event's numbered outbox row (@vanguard/messaging's), each
 * fed by the one before. Prepared once per connection: planned once, not at every enrolment.
 */
@Injectable()
export class PgEnrolmentWrite implements EnrolmentWrite {
  private readonly outbox = organizationOutbox();

  constructor(
    private readonly dataSource: DataSource,
    private readonly mapper: MemberMapper,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async enrolIfUnchanged(member: Member, organization: { id: string; version: number }, context: EventContext): Promise<boolean> {
    const [event, ...more] = member.pullEvents();
    if (!event || more.length) throw new Error(`an enrolment records one event, this one ${more.length + (event ? 1 : 0)}`);
    const envelope = toIntegrationEvent(event, context, {
      eventId: this.ids.newId(),
      streamVersion: VALIDATED_WITH_VERSION,
      now: this.clock.now(),
    });
    const insert = newMemberCtes(member, this.mapper.toOrm(member), { firstParam: 3, after: 'guard' });
    const outbox = this.outbox.numberedCtes(envelope, { after: 'new_member', firstParam: 3 + insert.params.length });
    const text = `with ${GUARD}, ${insert.sql}, ${outbox.sql} select exists (select 1 from outbox) as applied`;
    try {
      const applied = await this.guarded(text, [organization.id, organization.version, ...insert.params, ...outbox.params]);
      if (applied) member.markHistorySaved();
      return applied;
    } catch (e) {
      throw idNumberTaken(e) ?? e;
    }
  }

  async holdIfUnchanged(
    checkId: string,
    actor: Actor,
    organization: { id: string; version: number },
    holder: IdNumberHolder,
  ): Promise<boolean> {
    const insert = holdInsert(checkId, actor, [{ row: 1, orgId: organization.id, existingMemberId: holder.memberId }], {
      firstParam: 3,
      after: 'guard',
    });
    const text = `with ${GUARD}, held as (${insert.sql} returning job_id) select exists (select 1 from held) as applied`;
    return this.guarded(text, [organization.id, organization.version, ...insert.params]);
  }

  /** One autocommit statement, prepared once per connection (named by its text). */
  private async guarded(text: string, values: unknown[]): Promise<boolean> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const { rows } = await pool.query<{ applied: boolean }>({ ...namedStatement('organization_enrol', text), values });
    return rows[0]?.applied === true;
  }
}
