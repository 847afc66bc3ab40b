import { Inject, Injectable } from '@nestjs/common';
import type { ContractEvent, CountyWindowServicesRecorded } from '@vanguard/contracts';
import { dayRefusal, type CountyBatchHandler, type CountyMessage } from '@vanguard/county-inbound';
import { windowUnitDecider, windowUnitStream } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../ports/org-tree.port';
import { COUNTY_STREAMS, decideEach, refusalOf, type CountyStreamsPort } from './county-translation';

type Message = CountyMessage<ContractEvent<typeof CountyWindowServicesRecorded>>;

/**
 * county.WindowServicesRecorded → CountWindowServices with source `county` (三亮三比三评: services
 * counted from the records the unit's own systems send), on the unit's `window-unit-<orgId>`
 * stream: the same decider and rules as the bulk import (a window unit only, a batch id once,
 * sent for the unit or from above it). The county system is recorded as the decider, for its county.
 */
@Injectable()
export class CountCountyWindowServicesHandler {
  constructor(
    @Inject(COUNTY_STREAMS) private readonly streams: CountyStreamsPort<unknown>,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  readonly handle: CountyBatchHandler<unknown, Message['event']> = (messages, tx) =>
    decideEach(tx, this.streams, windowUnitDecider, messages, (m) => {
      const d = m.event.data;
      const badDay = dayRefusal(Object.fromEntries(d.records.map((r, i) => [`records[${i}].on`, r.on])));
      if (badDay) return { outcome: badDay };
      return {
        streamId: windowUnitStream(d.orgId),
        scopeOrgId: () => d.orgId,
        result: { orgId: d.orgId, batchId: d.batchId },
        command: async () => {
          const orgPath = await this.tree.readPath(d.orgId);
          if (!orgPath) return refusalOf(new DomainError('ORGANIZATION.NOT_FOUND', 'not_found', `组织不存在 / no organisation ${d.orgId}`));
          return {
            type: 'CountWindowServices' as const,
            data: {
              orgId: d.orgId,
              batchId: d.batchId,
              source: 'county' as const,
              records: d.records,
              countedOn: this.clock.today(),
              orgPath,
              decidedBy: { sub: m.sender.sub, role: 'county_system', orgId: m.sender.countyOrgId },
            },
          };
        },
      };
    });
}
