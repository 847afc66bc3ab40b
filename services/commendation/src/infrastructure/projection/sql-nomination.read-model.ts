import type { Pool } from 'pg';
import { DomainError } from '@vanguard/kernel';
import type { AwardCategory } from '@vanguard/contracts';
import type { FactInput } from '../../application/eligibility/eligibility-facts.port';
import type { NominationReadModel } from '../../application/nominations/nomination-read-model.port';
import { PUBLIC_NOTICE_PROJECTION } from './projections';

const STANDING = `('under_review', 'returned', 'shortlisted')`;

export class ObjectionsNotCaughtUpError extends DomainError {
  constructor() {
    super(
      'OBJECTIONS.CATCHING_UP',
      'conflict',
      '异议登记尚在同步，请稍后重试 / objections just filed are still being recorded; try again shortly',
    );
  }
}

/** The read model objections are decided on has skipped an event it could not store (ADR 0090): no decision rests on it. */
export class ObjectionsIncompleteError extends DomainError {
  constructor() {
    super(
      'OBJECTIONS.INCOMPLETE',
      'conflict',
      '异议记录不完整，需运维修复并重建后方可决定 / an objection event could not be recorded; no decision until an operator fixes it and rebuilds',
    );
  }
}

export class SqlNominationReadModel implements NominationReadModel {
  /**
   * `objectionsSubscription`: the public-notice projection's subscription, which writes
   * objection_view; open objections are read only once it has passed everything committed.
   * `objectionsProjection`: the projection that writes objection_view, as
   * `projection_parked_events` names it.
   */
  constructor(
    private readonly pool: Pool,
    private readonly objectionsSubscription = 'commendation.projections',
    private readonly catchUpMs = 5000,
    private readonly objectionsProjection = PUBLIC_NOTICE_PROJECTION,
  ) {}

  async standingNominationOf(programmeId: string, category: AwardCategory, nomineeId: string): Promise<FactInput | null> {
    const { rows } = await this.pool.query<{ nomination_id: string; version: number }>(
      `select nomination_id, version from nomination_view
        where programme_id = $1 and category = $2 and nominee->>'id' = $3 and status in ${STANDING} limit 1`,
      [programmeId, category, nomineeId],
    );
    const r = rows[0];
    return r ? { streamId: `nomination-${r.nomination_id}`, version: r.version } : null;
  }

  async shortlisted(programmeId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ nomination_id: string }>(
      `select nomination_id from nomination_view where programme_id = $1 and status = 'shortlisted' order by nomination_id`,
      [programmeId],
    );
    return rows.map((r) => r.nomination_id);
  }

  /**
   * "No decision while an objection is open" must see an objection filed a moment ago: first
   * wait until the projection's checkpoint has passed the newest event committed now (in the
   * store's global order); past `catchUpMs`, refuse with 409 rather than decide on a stale list.
   */
  async openObjections(programmeId: string, nominationId: string): Promise<FactInput[]> {
    return (await this.objectionsFor(programmeId, nominationId)).open;
  }

  async objectionsFor(programmeId: string, nominationId: string): Promise<{ open: FactInput[]; closed: FactInput[] }> {
    const deadline = Date.now() + this.catchUpMs;
    for (;;) {
      const { rows } = await this.pool.query<{ ok: boolean }>(
        `select coalesce((select (c.transaction_id, c.position) >= (e.transaction_id, e.position)
                            from subscription_checkpoints c where c.subscription = $1), false) as ok
           from (select transaction_id, position from events order by transaction_id desc, position desc limit 1) e`,
        [this.objectionsSubscription],
      );
      if (rows.length === 0 || rows[0]!.ok) break;
      if (Date.now() > deadline) throw new ObjectionsNotCaughtUpError();
      await new Promise((r) => setTimeout(r, 50));
    }
    // A parked objection event would be an objection this list leaves out: refuse rather than decide past it.
    if (await this.objectionEventParked()) throw new ObjectionsIncompleteError();
    const { rows } = await this.pool.query<{ objection_id: string; version: number; open: boolean }>(
      `select objection_id, version,
              (status in ('filed', 'assigned') or (status = 'upheld' and nomination_id = $2)) as open
         from objection_view where programme_id = $1
        order by objection_id`,
      [programmeId, nominationId],
    );
    const read = (open: boolean) =>
      rows.filter((r) => r.open === open).map((r) => ({ streamId: `objection-${r.objection_id}`, version: r.version }));
    return { open: read(true), closed: read(false) };
  }

  private async objectionEventParked(): Promise<boolean> {
    try {
      const { rows } = await this.pool.query<{ parked: boolean }>(
        `select exists (select 1 from projection_parked_events where projection = $1 and stream_id like 'objection-%') as parked`,
        [this.objectionsProjection],
      );
      return rows[0]?.parked === true;
    } catch (e) {
      // 42P01: the table is made when the projections first start; none made, none parked.
      if ((e as { code?: string }).code === '42P01') return false;
      throw e;
    }
  }
}
