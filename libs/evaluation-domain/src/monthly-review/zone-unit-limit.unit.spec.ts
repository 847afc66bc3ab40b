import { ZoneDesignated } from '@vanguard/contracts';
import { specificationFor } from '@vanguard/kernel/testing';
import { pathAtVersionZero } from '../org-path';
import type { ZoneCommand } from './monthly-review.commands';
import { zoneDecider } from './monthly-review.decide';
import { ZONE_MAX_UNITS, ZoneHoldsAtMostTheContractsUnitsRule } from './monthly-review.rules';

const COUNTY = '00000000-0000-4000-8000-000000910425';
const unitId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const organizer = { sub: 'county.organizer', role: 'organizer', orgId: COUNTY };

const designate = (unitCount: number): ZoneCommand => ({
  type: 'DesignateZone',
  data: {
    zoneId: '01930000-0000-7000-8000-0000000000e1',
    name: '第一片区',
    leader: 'zone.leader',
    units: Array.from({ length: unitCount }, (_, i) => unitId(i + 1)),
    designatedOn: '2011-04-02',
    campaign: { campaignId: '01930000-0000-7000-8000-0000000000e3', version: 3, rootPath: pathAtVersionZero([COUNTY]) },
    unitsOutside: [],
    unitsZoned: [],
    decidedBy: organizer,
    reason: '划分片区',
  },
});

const zones = specificationFor(zoneDecider);

/**
 * A zone's size is refused where it is decided: before this rule a zone of 5,001 units (named plus
 * every unit below an organisation) was appended, and the relay then dead-lettered its event, which
 * the contract caps at 5,000 — a zone nobody downstream ever heard of.
 */
describe('a zone holds at most the contract’s units', () => {
  it('designates a zone of exactly the limit, and its event is one the contract accepts', () =>
    zones
      .given([])
      .when(designate(ZONE_MAX_UNITS))
      .thenMatches(([e]) => expect(ZoneDesignated.schema.safeParse(e!.data).success).toBe(true)));

  it('refuses one unit more with the rule’s code, as a business refusal (422)', () => {
    zones
      .given([])
      .when(designate(ZONE_MAX_UNITS + 1))
      .thenRefuses(ZoneHoldsAtMostTheContractsUnitsRule);
    const rule = new ZoneHoldsAtMostTheContractsUnitsRule([]);
    expect([rule.code, rule.kind]).toEqual(['ZONE.TOO_MANY_UNITS', 'rule']);
  });
});
