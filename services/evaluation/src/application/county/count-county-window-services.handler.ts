import { Inject, Injectable } from '@nestjs/common';
import type { ContractEvent, CountyWindowServicesRecorded } from '@vanguard/contracts';
import { dayRefusal, type CountyBatchHandler, type CountyMessage } from '@vanguard/county-inbound';
import { recordsToCount, windowUnitDecider, windowUnitStream } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../ports/org-tree.port';
import { WINDOW_UNIT_RECORDS, type WindowUnitRecordsPort } from '../ports/window-unit-records.port';
import { COUNTY_STREAMS, decideEach, refusalOf, type CountyStreamsPort } from './county-translation';

type Message = CountyMessage<ContractEvent<typeof CountyWindowServicesRecorded>>;

/**
 * county.WindowServicesRecorded → CountWindowServices with source `county` (三亮三比三评: services
 * counted from the records the unit's own systems send), on the unit's `window-unit-<orgId>`
 * stream: the same decider and rules as the bulk import (a window unit only, a batch id once,
 * sent for the unit or from above it, a record id once for the unit over every batch — ADR 0122, the
 * ids counted noted in the gate's transaction). The county system is recorded as the decider, for its county.
 */
@Injectable()
export class CountCountyWindowServicesHandler {
  constructor(
    @Inject(COUNTY_STREAMS) private readonly streams: CountyStreamsPort<unknown>,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WINDOW_UNIT_RECORDS) private readonly records: WindowUnitRecordsPort,
  ) {}

  readonly handle: CountyBatchHandler<unknown, Message['event']> = (messages, tx) => {
    // Read and noted in the gate's transaction, so a later message of the batch sees what an earlier one counted.
    const index = this.records.within(tx);
    return decideEach(tx, this.streams, windowUnitDecider, messages, (m) => {
      const d = m.event.data;
      const badDay = dayRefusal(Object.fromEntries(d.records.map((r, i) => [`records[${i}].on`, r.on])));
      if (badDay) return { outcome: badDay };
      let counted: string[] = [];
      return {
        streamId: windowUnitStream(d.orgId),
        scopeOrgId: () => d.orgId,
        result: { orgId: d.orgId, batchId: d.batchId },
        appended: () => index.remember(d.orgId, d.batchId, counted),
        command: async (state) => {
          const orgPath = await this.tree.readPath(d.orgId);
          if (!orgPath) return refusalOf(new DomainError('ORGANIZATION.NOT_FOUND', 'not_found', `组织不存在 / no organisation ${d.orgId}`));
          const countedBefore = await index.countedBefore(
            d.orgId,
            d.records.map((r) => r.recordId),
          );
          counted = recordsToCount(d.records, countedBefore, state).map((r) => r.recordId);
          return {
            type: 'CountWindowServices' as const,
            data: {
              orgId: d.orgId,
              batchId: d.batchId,
              source: 'county' as const,
              records: d.records,
              countedBefore,
              countedOn: this.clock.today(),
              orgPath,
              decidedBy: { sub: m.sender.sub, role: 'county_system', orgId: m.sender.countyOrgId },
            },
          };
        },
      };
    });
  };
}
