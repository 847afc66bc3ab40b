import { specificationFor } from '@vanguard/kernel/testing';
import { pathInputs, type OrgPath } from '../org-path';
import type { PledgeCommand } from './pledge.commands';
import { pledgeDecider } from './pledge.decide';
import type { PledgeEvent } from './pledge.events';
import {
  DecisionGivesAReasonRule,
  FollowUpPledgeFollowsAFulfilledOneRule,
  OrganizationPledgesForItselfRule,
  OnlyAFiledPledgeIsPublishedRule,
  OnlyAReturnedPledgeIsAmendedRule,
  PledgeAwaitsFilingRule,
  PledgeIsClosedByTheFilingLevelRule,
  PledgeIsDueWithinItsCycleRule,
  PledgeIsFiledByTheLevelAboveRule,
  PledgeIsMadeInAnOpenCycleRule,
  PledgeIsMadeOnceRule,
  PledgeIsPublishedRule,
  PledgeIsRatedByTheFilingLevelRule,
  PledgeIsRatedOnceAfterClosingRule,
  ProgressIsReportedByThePledgerRule,
  ProgressNeverGoesBackRule,
  RatingCountsVotesRule,
  SatisfactionRateV1,
} from './pledge.rules';

// 示范省 › 松岭旗 › 白桦镇 › 红石村: the village pledges, the township files.
const PROVINCE = '00000000-0000-4000-8000-000000000091';
const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
// Each organisation at the version the tree copy held when the decision read its path.
const VILLAGE_PATH: OrgPath = [
  { orgId: PROVINCE, version: 1 },
  { orgId: COUNTY, version: 2 },
  { orgId: TOWNSHIP, version: 3 },
  { orgId: VILLAGE, version: 5 },
];
const TOWNSHIP_PATH = VILLAGE_PATH.slice(0, 3);
const PLEDGE = '01930000-0000-7000-8000-000000000001';
const EARLIER = '01930000-0000-7000-8000-000000000002';
const CAMPAIGN = '01930000-0000-7000-8000-0000000000c1';
const CYCLE = '01930000-0000-7000-8000-0000000000c2';
const MEMBER = '01930000-0000-7000-8000-0000000000a1';

const township = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };
const county = { sub: 'county.organizer', role: 'organizer', orgId: COUNTY };
const village = { sub: 'village.secretary', role: 'branch_secretary', orgId: VILLAGE };
const cycle = { streamId: `cycle-${CYCLE}`, version: 3, open: true, startsOn: '2011-04-01', endsOn: '2011-06-30' };

const spec = specificationFor(pledgeDecider);
const self = (version: number) => [{ streamId: `pledge-${PLEDGE}`, version }];

const make = (over: Partial<Extract<PledgeCommand, { type: 'MakePledge' }>['data']> = {}): PledgeCommand => ({
  type: 'MakePledge',
  data: {
    pledgeId: PLEDGE,
    campaignId: CAMPAIGN,
    cycleId: CYCLE,
    pledger: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    category: 'deed_for_masses',
    content: '硬化村内道路 2 公里',
    dueOn: '2011-06-20',
    today: '2011-04-10',
    cycle,
    follows: null,
    ...over,
  },
});
const made: PledgeEvent = {
  type: 'evaluation.PledgeMade',
  data: {
    pledgeId: PLEDGE,
    campaignId: CAMPAIGN,
    cycleId: CYCLE,
    pledger: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    category: 'deed_for_masses',
    content: '硬化村内道路 2 公里',
    dueOn: '2011-06-20',
    followsPledgeId: null,
  },
};
const filed: PledgeEvent = {
  type: 'evaluation.PledgeFiled',
  data: {
    pledgeId: PLEDGE,
    decision: {
      decidedBy: township,
      inputs: [...self(1), ...pathInputs(VILLAGE_PATH)],
      rule: { id: 'evaluation.pledge.filed-by-level-above', version: 1 },
      reason: '',
    },
  },
};
const published: PledgeEvent = { type: 'evaluation.PledgePublished', data: { pledgeId: PLEDGE } };
const fulfilled: PledgeEvent = {
  type: 'evaluation.PledgeFulfilled',
  data: {
    pledgeId: PLEDGE,
    decision: {
      decidedBy: township,
      inputs: [...self(3), ...pathInputs(TOWNSHIP_PATH)],
      rule: { id: 'evaluation.pledge.closed-by-filing-level', version: 1 },
      reason: '已验收',
    },
  },
};
const file = (decidedBy = township, path = VILLAGE_PATH, reason = ''): PledgeCommand => ({
  type: 'FilePledge',
  data: { decidedBy, pledgerOrgPath: path, reason },
});
const fulfil = (decidedBy = township, path = TOWNSHIP_PATH): PledgeCommand => ({
  type: 'FulfilPledge',
  data: { decidedBy, filerOrgPath: path, reason: '已验收' },
});
const tally = { satisfied: 95, basicallySatisfied: 3, dissatisfied: 2 };

describe('pledgeDecider', () => {
  describe('MakePledge', () => {
    it('makes a pledge in an open cycle', () => spec.given([]).when(make()).then([made]));
    it('refuses an organisation’s pledge in another organisation’s name, and takes a member’s', () => {
      spec
        .given([])
        .when(make({ pledger: { kind: 'organization', id: '01a245cc-c7d2-4000-8000-000000000001' } }))
        .thenRefuses(OrganizationPledgesForItselfRule);
      spec
        .given([])
        .when(make({ pledger: { kind: 'member', id: MEMBER } }))
        .thenMatches(([e]) => expect(e!.data).toMatchObject({ pledger: { kind: 'member', id: MEMBER } }));
    });
    it('refuses a second pledge on the same stream', () => spec.given([made]).when(make()).thenRefuses(PledgeIsMadeOnceRule));
    it('refuses a pledge in a closed cycle', () =>
      spec
        .given([])
        .when(make({ cycle: { ...cycle, open: false } }))
        .thenRefuses(PledgeIsMadeInAnOpenCycleRule));
    it('refuses a pledge before the cycle starts', () =>
      spec
        .given([])
        .when(make({ today: '2011-03-31' }))
        .thenRefuses(PledgeIsMadeInAnOpenCycleRule));
    it('refuses a due date after the cycle', () =>
      spec
        .given([])
        .when(make({ dueOn: '2011-07-01' }))
        .thenRefuses(PledgeIsDueWithinItsCycleRule));
    it('refuses a due date in the past', () =>
      spec
        .given([])
        .when(make({ dueOn: '2011-04-09' }))
        .thenRefuses(PledgeIsDueWithinItsCycleRule));
    it('makes a follow-up pledge after a fulfilled one (再承诺)', () =>
      spec
        .given([])
        .when(make({ follows: { pledgeId: EARLIER, streamId: `pledge-${EARLIER}`, version: 6, fulfilled: true } }))
        .then([{ ...made, data: { ...made.data, followsPledgeId: EARLIER } }]));
    it('refuses a follow-up of a pledge that was not fulfilled', () =>
      spec
        .given([])
        .when(make({ follows: { pledgeId: EARLIER, streamId: `pledge-${EARLIER}`, version: 6, fulfilled: false } }))
        .thenRefuses(FollowUpPledgeFollowsAFulfilledOneRule));
  });

  describe('FilePledge and ReturnPledge (把关备案)', () => {
    it('is filed by the level above, recording who, the pledge version and the organisation path read, and the rule', () =>
      spec
        .given([made])
        .when(file(township, VILLAGE_PATH, '内容具体，可以公开'))
        .then([
          {
            type: 'evaluation.PledgeFiled',
            data: {
              pledgeId: PLEDGE,
              decision: {
                decidedBy: township,
                inputs: [
                  { streamId: `pledge-${PLEDGE}`, version: 1 },
                  { streamId: `organization-${PROVINCE}`, version: 1 },
                  { streamId: `organization-${COUNTY}`, version: 2 },
                  { streamId: `organization-${TOWNSHIP}`, version: 3 },
                  { streamId: `organization-${VILLAGE}`, version: 5 },
                ],
                rule: { id: 'evaluation.pledge.filed-by-level-above', version: 1 },
                reason: '内容具体，可以公开',
              },
            },
          },
        ]));
    it('may be filed by a level further up', () =>
      spec
        .given([made])
        .when(file(county))
        .thenMatches((e) => expect(e[0]!.type).toBe('evaluation.PledgeFiled')));
    it('is not filed by the pledging organisation itself', () =>
      spec.given([made]).when(file(village)).thenRefuses(PledgeIsFiledByTheLevelAboveRule));
    it('lets a branch file its own member’s pledge', () =>
      spec
        .given([{ ...made, data: { ...made.data, pledger: { kind: 'member', id: MEMBER } } }])
        .when(file(village))
        .thenMatches((e) => expect(e[0]!.type).toBe('evaluation.PledgeFiled')));
    it('is not filed twice', () => spec.given([made, filed]).when(file()).thenRefuses(PledgeAwaitsFilingRule));
    it('is returned with a reason', () =>
      spec
        .given([made])
        .when({ type: 'ReturnPledge', data: { decidedBy: township, pledgerOrgPath: VILLAGE_PATH, reason: '承诺事项不具体' } })
        .thenMatches((e) => expect(e).toEqual([expect.objectContaining({ type: 'evaluation.PledgeReturned' })])));
    it('is not returned without a reason', () =>
      spec
        .given([made])
        .when({ type: 'ReturnPledge', data: { decidedBy: township, pledgerOrgPath: VILLAGE_PATH, reason: '  ' } })
        .thenRefuses(DecisionGivesAReasonRule));
    it('is not returned by another township', () =>
      spec
        .given([made])
        .when({
          type: 'ReturnPledge',
          data: { decidedBy: { ...township, orgId: '00000000-0000-4000-8000-000910425102' }, pledgerOrgPath: VILLAGE_PATH, reason: 'x' },
        })
        .thenRefuses(PledgeIsFiledByTheLevelAboveRule));
  });

  describe('AmendPledge', () => {
    const returned: PledgeEvent = {
      type: 'evaluation.PledgeReturned',
      data: { pledgeId: PLEDGE, decision: { ...filed.data.decision, reason: '不具体' } },
    };
    const amend = (dueOn = '2011-06-25'): PledgeCommand => ({
      type: 'AmendPledge',
      data: {
        category: 'deed_for_masses',
        content: '硬化村内道路 2.5 公里',
        dueOn,
        today: '2011-04-15',
        cycleEndsOn: '2011-06-30',
        decidedBy: village,
      },
    });
    it('amends a returned pledge, which then waits for filing again', () =>
      spec
        .given([made, returned])
        .when(amend())
        .then([
          {
            type: 'evaluation.PledgeAmended',
            data: { pledgeId: PLEDGE, category: 'deed_for_masses', content: '硬化村内道路 2.5 公里', dueOn: '2011-06-25' },
          },
        ]));
    it('refuses to amend a pledge that was not returned', () =>
      spec.given([made]).when(amend()).thenRefuses(OnlyAReturnedPledgeIsAmendedRule));
    it('refuses an amended due date outside the cycle', () =>
      spec.given([made, returned]).when(amend('2011-07-02')).thenRefuses(PledgeIsDueWithinItsCycleRule));
  });

  describe('PublishPledge and ReportPledgeProgress (践诺)', () => {
    it('publishes a filed pledge', () => spec.given([made, filed]).when({ type: 'PublishPledge', data: {} }).then([published]));
    it('does not publish an unfiled pledge', () =>
      spec.given([made]).when({ type: 'PublishPledge', data: {} }).thenRefuses(OnlyAFiledPledgeIsPublishedRule));
    it('reports progress on a published pledge', () =>
      spec
        .given([made, filed, published])
        .when({ type: 'ReportPledgeProgress', data: { note: '已完成 1 公里', percent: 50, reportedBy: village } })
        .then([{ type: 'evaluation.PledgeProgressReported', data: { pledgeId: PLEDGE, note: '已完成 1 公里', percent: 50 } }]));
    it('refuses progress on a pledge not yet published', () =>
      spec
        .given([made, filed])
        .when({ type: 'ReportPledgeProgress', data: { note: 'x', percent: 10, reportedBy: village } })
        .thenRefuses(PledgeIsPublishedRule));
    it('takes progress from the pledging organisation or a county’s relay of it, never from a level above (a probe: the county evaluator reported 100 %)', () => {
      spec
        .given([made, filed, published])
        .when({
          type: 'ReportPledgeProgress',
          data: { note: '已完成', percent: 100, reportedBy: { sub: 'county.evaluator', role: 'evaluator', orgId: COUNTY } },
        })
        .thenRefuses(ProgressIsReportedByThePledgerRule);
      spec
        .given([made, filed, published])
        .when({ type: 'ReportPledgeProgress', data: { note: '已完成', percent: 100, reportedBy: 'county' } })
        .thenMatches(([e]) => expect(e!.type).toBe('evaluation.PledgeProgressReported'));
    });
    it('refuses progress that goes backwards', () =>
      spec
        .given([made, filed, published, { type: 'evaluation.PledgeProgressReported', data: { pledgeId: PLEDGE, note: 'x', percent: 60 } }])
        .when({ type: 'ReportPledgeProgress', data: { note: 'y', percent: 40, reportedBy: village } })
        .thenRefuses(ProgressNeverGoesBackRule));
  });

  describe('FulfilPledge and LapsePledge', () => {
    it('is accepted as fulfilled by the level that filed it', () => spec.given([made, filed, published]).when(fulfil()).then([fulfilled]));
    it('may be accepted by a level above the filing one', () =>
      spec
        .given([made, filed, published])
        .when(fulfil(county))
        .thenMatches((e) => expect(e[0]!.type).toBe('evaluation.PledgeFulfilled')));
    it('is not accepted by the pledger itself', () =>
      spec.given([made, filed, published]).when(fulfil(village)).thenRefuses(PledgeIsClosedByTheFilingLevelRule));
    it('is not accepted on a path that does not end at the filing organisation', () =>
      spec
        .given([made, filed, published])
        .when(fulfil(county, VILLAGE_PATH.slice(0, 2)))
        .thenRefuses(PledgeIsClosedByTheFilingLevelRule));
    it('is not closed twice', () => spec.given([made, filed, published, fulfilled]).when(fulfil()).thenRefuses(PledgeIsPublishedRule));
    it('lapses with a reason', () =>
      spec
        .given([made, filed, published])
        .when({ type: 'LapsePledge', data: { decidedBy: township, filerOrgPath: TOWNSHIP_PATH, reason: '资金未到位' } })
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            type: 'evaluation.PledgeLapsed',
            data: { decision: { reason: '资金未到位', inputs: [...self(3), ...pathInputs(TOWNSHIP_PATH)] } },
          }),
        ));
    it('does not lapse without a reason', () =>
      spec
        .given([made, filed, published])
        .when({ type: 'LapsePledge', data: { decidedBy: township, filerOrgPath: TOWNSHIP_PATH, reason: '' } })
        .thenRefuses(DecisionGivesAReasonRule));
  });

  describe('RatePledge (评诺)', () => {
    it('records the tally and the satisfaction rate with the rule version that computed it', () =>
      spec
        .given([made, filed, published, fulfilled])
        .when({ type: 'RatePledge', data: { decidedBy: township, tally, filerOrgPath: TOWNSHIP_PATH } })
        .then([
          {
            type: 'evaluation.PledgeRated',
            data: {
              pledgeId: PLEDGE,
              tally,
              satisfactionPermille: 980,
              decision: {
                decidedBy: township,
                inputs: [...self(4), ...pathInputs(TOWNSHIP_PATH)],
                rule: { id: 'evaluation.satisfaction-rate', version: 1 },
                checks: [{ id: 'evaluation.pledge.rated-by-filing-level', version: 1 }],
                reason: '满意度 98.0%',
              },
            },
          },
        ]));
    // A probe had the pledging village record 1,000,000 satisfied votes on its own pledge.
    it('is rated by the level that filed it, or one above, never by the pledger', () => {
      spec
        .given([made, filed, published, fulfilled])
        .when({ type: 'RatePledge', data: { decidedBy: village, tally, filerOrgPath: TOWNSHIP_PATH } })
        .thenRefuses(PledgeIsRatedByTheFilingLevelRule);
      const county = { sub: 'county.organizer', role: 'organizer', orgId: TOWNSHIP_PATH[1]!.orgId };
      spec
        .given([made, filed, published, fulfilled])
        .when({ type: 'RatePledge', data: { decidedBy: county, tally, filerOrgPath: TOWNSHIP_PATH } })
        .thenMatches(([e]) => expect(e!.type).toBe('evaluation.PledgeRated'));
    });
    it('replays a rating recorded before that rule as it ran, whoever recorded it', () =>
      spec
        .given([made, filed, published, fulfilled])
        .when({
          type: 'RatePledge',
          data: { decidedBy: village, tally, filerOrgPath: [], ruleVersions: { 'evaluation.satisfaction-rate': 1 } },
        })
        .thenMatches(([e]) => expect(e!.data).toMatchObject({ decision: { decidedBy: village, inputs: self(4) } })));
    it('is not rated before it is closed', () =>
      spec
        .given([made, filed, published])
        .when({ type: 'RatePledge', data: { decidedBy: township, tally, filerOrgPath: TOWNSHIP_PATH } })
        .thenRefuses(PledgeIsRatedOnceAfterClosingRule));
    it('is rated once', () => {
      const rated: PledgeEvent = {
        type: 'evaluation.PledgeRated',
        data: {
          pledgeId: PLEDGE,
          tally,
          satisfactionPermille: 980,
          decision: { ...fulfilled.data.decision, rule: { id: 'evaluation.satisfaction-rate', version: 1 } },
        },
      };
      spec
        .given([made, filed, published, fulfilled, rated])
        .when({ type: 'RatePledge', data: { decidedBy: township, tally, filerOrgPath: TOWNSHIP_PATH } })
        .thenRefuses(PledgeIsRatedOnceAfterClosingRule);
    });
    it('needs at least one vote', () =>
      spec
        .given([made, filed, published, fulfilled])
        .when({
          type: 'RatePledge',
          data: { decidedBy: township, tally: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 }, filerOrgPath: TOWNSHIP_PATH },
        })
        .thenRefuses(RatingCountsVotesRule));
  });

  describe(`SatisfactionRateV1`, () => {
    // Independent check: the rate as a person computes it, rounded half up to 0.1 %.
    it.each([
      [{ satisfied: 9968, basicallySatisfied: 0, dissatisfied: 32 }, 997],
      [{ satisfied: 1, basicallySatisfied: 1, dissatisfied: 1 }, 667],
      [{ satisfied: 0, basicallySatisfied: 1, dissatisfied: 7 }, 125],
      [{ satisfied: 0, basicallySatisfied: 0, dissatisfied: 5 }, 0],
    ])('%j → %i‰', (t, expected) => {
      expect(SatisfactionRateV1.permille(t)).toBe(expected);
      expect(SatisfactionRateV1.permille(t)).toBe(
        Number(((1000 * (t.satisfied + t.basicallySatisfied)) / (t.satisfied + t.basicallySatisfied + t.dissatisfied)).toFixed(0)),
      );
    });
  });

  it('replays a recorded decision: the recorded inputs and rule version give the recorded outcome', () => {
    // What the audit service does: fold the pledge up to the recorded input version, run the
    // recorded rule version, compare with the recorded event.
    const history = [made, filed, published, fulfilled];
    spec
      .given(history.slice(0, fulfilled.data.decision.inputs[0]!.version))
      .when(fulfil(fulfilled.data.decision.decidedBy))
      .then([fulfilled]);
  });
});
