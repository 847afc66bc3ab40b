import { Inject, Injectable } from '@nestjs/common';
import type { ContractEvent, CountyVisitLogged } from '@vanguard/contracts';
import {
  applied,
  dayRefusal,
  personalNumberRefusal,
  refused,
  unlinkedMember,
  type CountyBatchHandler,
  type CountyMessage,
  type CountyOutcome,
} from '@vanguard/county-inbound';
import { logVisit } from '../../domain/field-work/field-work';
import { FIELD_WORK, type FieldWorkRepository } from '../ports/repositories.port';
import { CLOCK, type Clock } from '../ports/system.port';
import type { Tx } from '../ports/unit-of-work.port';
import { NotFoundError } from '../scope/scope';
import { COUNTY_FIELD_WORK, COUNTY_LINKS_ARRIVAL, type CountyFieldWorkRepository, type CountyLinksArrival } from './county-field-work.port';
import { countyContext, refusalOf } from './county-refusal';

type Message = CountyMessage<ContractEvent<typeof CountyVisitLogged>>;

/**
 * county.VisitLogged → 走访慰问 by the cadre the county names (its own member id, translated
 * through county_member_links) dispatched to the village, to households the county references
 * by their label in the village. The visit rules decide (a day of the dispatch, not in the
 * future, households holding the cadre's card), and the visit counts for each household's
 * quarterly visit as one logged here does.
 */
@Injectable()
export class LogCountyVisitHandler {
  constructor(
    @Inject(COUNTY_FIELD_WORK) private readonly county: CountyFieldWorkRepository,
    @Inject(FIELD_WORK) private readonly work: FieldWorkRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COUNTY_LINKS_ARRIVAL) private readonly links: CountyLinksArrival,
  ) {}

  readonly handle: CountyBatchHandler<Tx, Message['event']> = async (messages, tx) => {
    const outcomes: CountyOutcome[] = [];
    for (const m of messages) outcomes.push(await this.one(m, tx));
    return outcomes;
  };

  private async one(m: Message, tx: Tx): Promise<CountyOutcome> {
    const d = m.event.data;
    const badDay = dayRefusal({ visitedOn: d.visitedOn });
    if (badDay) return badDay;
    // Before any lookup: an unresolved reference is kept as sent, and the card rule's refusal names it.
    const personal = personalNumberRefusal(Object.fromEntries(d.householdRefs.map((ref, i) => [`householdRefs[${i}]`, ref])));
    if (personal) return personal;
    try {
      let ids = await this.county.memberIds(tx, m.sender.clientId, [d.cadreId]);
      if (!ids.linked.has(d.cadreId) && !ids.takenOver.has(d.cadreId)) {
        // Never linked: wait (no verdict) for a link the organization may still be publishing, then read again.
        await this.links.awaitLinks([m.receivedAt]);
        ids = await this.county.memberIds(tx, m.sender.clientId, [d.cadreId]);
      }
      const memberId = ids.linked.get(d.cadreId);
      if (!memberId) return unlinkedMember(ids, d.cadreId);
      const cadre = await this.county.cadreOfMember(tx, memberId, d.orgId, d.visitedOn);
      if (!cadre) throw new NotFoundError('CADRE', d.cadreId);
      if (await this.county.visitLogged(tx, d.visitId))
        return refused('VISIT.ALREADY_LOGGED', '该走访已登记 / this visit was already logged');
      const byRef = await this.county.householdsByRef(tx, d.orgId, d.householdRefs);
      // A reference the village does not know holds no card: the card rule names it.
      const householdIds = d.householdRefs.map((ref) => byRef.get(ref) ?? ref);
      const holders = await this.work.cardHolders(tx, cadre.id, [...byRef.values()]);
      const events = logVisit(cadre, { id: d.visitId, visitedOn: d.visitedOn, householdIds }, holders, this.clock.today());
      await this.work.insertVisit(
        tx,
        { id: d.visitId, cadreId: cadre.id, orgId: cadre.orgId, visitedOn: d.visitedOn, summary: d.summary, householdIds },
        this.clock.now(),
      );
      await tx.publish(events, countyContext(m));
      return applied({ visitId: d.visitId, cadreId: cadre.id, households: String(householdIds.length) });
    } catch (e) {
      return refusalOf(e);
    }
  }
}
