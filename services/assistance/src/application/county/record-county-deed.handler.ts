import { Inject, Injectable } from '@nestjs/common';
import type { ContractEvent, CountyDeedRecorded } from '@vanguard/contracts';
import { applied, dayRefusal, refused, type CountyBatchHandler, type CountyMessage, type CountyOutcome } from '@vanguard/county-inbound';
import { recordCountyDeed } from '../../domain/field-work/field-work';
import { ROSTER, type RosterPort } from '../ports/roster.port';
import { CLOCK, type Clock } from '../ports/system.port';
import type { Tx } from '../ports/unit-of-work.port';
import { NotFoundError } from '../scope/scope';
import { COUNTY_FIELD_WORK, type CountyFieldWorkRepository } from './county-field-work.port';
import { countyContext, refusalOf } from './county-refusal';

type Message = CountyMessage<ContractEvent<typeof CountyDeedRecorded>>;

/**
 * county.DeedRecorded → 办实事 for the village, decided by the deed rules (an active village, not
 * in the future) and replaced by its deedId when the same county sends it again — announced as
 * DeedDone the first time, as DeedCorrected (with the deed before) when a replacement changes it.
 * Amounts are integer fen as the contract carries them.
 */
@Injectable()
export class RecordCountyDeedHandler {
  constructor(
    @Inject(COUNTY_FIELD_WORK) private readonly work: CountyFieldWorkRepository,
    @Inject(ROSTER) private readonly roster: RosterPort,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  readonly handle: CountyBatchHandler<Tx, Message['event']> = async (messages, tx) => {
    const outcomes: CountyOutcome[] = [];
    for (const m of messages) outcomes.push(await this.one(m, tx));
    return outcomes;
  };

  private async one(m: Message, tx: Tx): Promise<CountyOutcome> {
    const d = m.event.data;
    const badDay = dayRefusal({ doneOn: d.doneOn });
    if (badDay) return badDay;
    try {
      const village = await this.roster.organization(d.orgId, tx);
      if (!village) throw new NotFoundError('ORGANIZATION', d.orgId);
      const deed = {
        id: d.deedId,
        pairingId: null,
        cadreId: null,
        category: d.category,
        title: d.title,
        doneOn: d.doneOn,
        amountFen: d.amountFen ?? null,
        householdsHelped: 0,
      };
      const { replaces, events } = recordCountyDeed(
        deed,
        village,
        m.sender.clientId,
        await this.work.deedOrigin(tx, d.deedId),
        this.clock.today(),
      );
      // Checked before writing: a unique violation would abort the gate's whole batch.
      if (await this.work.deedTitleTaken(tx, village.id, d.doneOn, d.title, d.deedId))
        return refused('DEED.ALREADY_LOGGED', '该村当天已登记同名实事 / this village already has this deed on that day');
      const origin = {
        countyClientId: m.sender.clientId,
        helperUnitName: d.helperUnitName,
        helperOrgId: d.helperOrgId ?? null,
        description: d.description ?? null,
      };
      await this.work.saveCountyDeed(tx, deed, village.id, origin, this.clock.now());
      await tx.publish(events, countyContext(m));
      return applied({ deedId: d.deedId, ...(replaces ? { replaced: 'true' } : {}) });
    } catch (e) {
      return refusalOf(e);
    }
  }
}
