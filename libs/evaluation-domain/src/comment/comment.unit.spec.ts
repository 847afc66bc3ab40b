import { specificationFor } from '@vanguard/kernel/testing';
import { pathInputs, type OrgPath } from '../org-path';
import type { CommentCommand, CommentCycleRead } from './comment.commands';
import { commentDecider } from './comment.decide';
import type { CommentEvent } from './comment.events';
import {
  CommentIsByALeaderAboveOrTheContactPointRule,
  CommentIsMadeOnceRule,
  CommentIsOnACycleThatHasOpenedRule,
  CommentNamesACycleOfTheOrganisationsCampaignRule,
  FindingsHaveADeadlineAfterTheCommentRule,
  RectificationIsConfirmedFromAboveRule,
  RectificationIsOpenRule,
} from './comment.rules';

const PROVINCE = '00000000-0000-4000-8000-000000000091';
const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const OTHER_TOWNSHIP = '00000000-0000-4000-8000-000910425102';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const PATH: OrgPath = [
  { orgId: PROVINCE, version: 1 },
  { orgId: COUNTY, version: 2 },
  { orgId: TOWNSHIP, version: 3 },
  { orgId: VILLAGE, version: 4 },
];
const COMMENT = '01930000-0000-7000-8000-0000000000e1';
const F1 = '01930000-0000-7000-8000-0000000000f1';
const F2 = '01930000-0000-7000-8000-0000000000f2';
const CONTACT_POINT = { streamId: 'contact-point-01930000-0000-7000-8000-0000000000aa', version: 4 };

const townshipSecretary = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };
const findings = [
  { findingId: F1, problem: '三会一课记录不全', rectification: '补齐记录，建立台账', deadline: '2011-06-30' },
  { findingId: F2, problem: '党员活动室未开放', rectification: '每周开放两天', deadline: '2011-05-31' },
];
const make = (decidedBy = townshipSecretary, contactPoint: typeof CONTACT_POINT | null = null, f = findings): CommentCommand => ({
  type: 'MakeLeaderComment',
  data: {
    commentId: COMMENT,
    orgId: VILLAGE,
    cycleId: null,
    form: 'on_site',
    madeOn: '2011-05-10',
    summary: '现场点评红石村党支部季度工作',
    findings: f,
    decidedBy,
    right: { orgPath: PATH, contactPoint },
    cycle: null,
    reason: '季度点评',
  },
});
const CYCLE = '01930000-0000-7000-8000-0000000000c2';
const CAMPAIGN_STREAM = 'campaign-01930000-0000-7000-8000-0000000000c1';
/** The county's campaign plans the cycle; the handler read its stream at version 7. */
const cycleRead = (change: Partial<CommentCycleRead> = {}): CommentCycleRead => ({
  streamId: CAMPAIGN_STREAM,
  version: 7,
  campaignOrgId: COUNTY,
  status: 'open',
  ...change,
});
const onCycle = (cycle: CommentCycleRead | null, cycleId: string | null = CYCLE): CommentCommand => {
  const command = make() as Extract<CommentCommand, { type: 'MakeLeaderComment' }>;
  return { ...command, data: { ...command.data, cycleId, cycle } };
};
const made: CommentEvent = {
  type: 'evaluation.LeaderCommentMade',
  data: {
    commentId: COMMENT,
    orgId: VILLAGE,
    cycleId: null,
    form: 'on_site',
    madeOn: '2011-05-10',
    summary: '现场点评红石村党支部季度工作',
    findings,
    decision: {
      decidedBy: townshipSecretary,
      inputs: pathInputs(PATH),
      rule: { id: 'evaluation.comment.by-leader-above-or-contact-point', version: 1 },
      reason: '季度点评',
    },
  },
};
const complete = (completedOn: string, decidedBy = townshipSecretary): CommentCommand => ({
  type: 'CompleteRectification',
  data: { findingId: F1, completedOn, decidedBy, orgPath: PATH, reason: '现场核实' },
});
const spec = specificationFor(commentDecider);

describe('commentDecider', () => {
  it('records a comment by the secretary of the township above, with findings and deadlines', () =>
    spec.given([]).when(make()).then([made]));
  it('records a comment by the contact-point leader, with the contact point and the path read as its inputs', () =>
    spec
      .given([])
      .when(make({ sub: 'province.organizer', role: 'organizer', orgId: OTHER_TOWNSHIP }, CONTACT_POINT))
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { decision: { inputs: [CONTACT_POINT, ...pathInputs(PATH)] } } })));
  it('refuses a leader of another township', () =>
    spec
      .given([])
      .when(make({ ...townshipSecretary, orgId: OTHER_TOWNSHIP }))
      .thenRefuses(CommentIsByALeaderAboveOrTheContactPointRule));
  it('refuses the village commenting on itself', () =>
    spec
      .given([])
      .when(make({ ...townshipSecretary, orgId: VILLAGE }))
      .thenRefuses(CommentIsByALeaderAboveOrTheContactPointRule));
  it('refuses someone above who holds no leading role', () =>
    spec
      .given([])
      .when(make({ sub: 'county.editor', role: 'editor', orgId: COUNTY }))
      .thenRefuses(CommentIsByALeaderAboveOrTheContactPointRule));
  it('refuses a deadline on or before the comment', () =>
    spec
      .given([])
      .when(make(townshipSecretary, null, [{ ...findings[0]!, deadline: '2011-05-10' }]))
      .thenRefuses(FindingsHaveADeadlineAfterTheCommentRule));
  it('refuses the same finding twice', () =>
    spec
      .given([])
      .when(make(townshipSecretary, null, [findings[0]!, findings[0]!]))
      .thenRefuses(FindingsHaveADeadlineAfterTheCommentRule));
  it('records a comment once', () => spec.given([made]).when(make()).thenRefuses(CommentIsMadeOnceRule));

  describe('the cycle it names', () => {
    const cycleChecks = [
      { id: 'evaluation.comment.cycle-of-campaign', version: 1 },
      { id: 'evaluation.comment.cycle-opened', version: 1 },
    ];
    it('records a comment on an open cycle of the campaign over the village, with the campaign stream read and both cycle rules', () =>
      spec
        .given([])
        .when(onCycle(cycleRead()))
        .then([
          {
            ...made,
            data: {
              ...made.data,
              cycleId: CYCLE,
              decision: {
                decidedBy: townshipSecretary,
                inputs: [{ streamId: CAMPAIGN_STREAM, version: 7 }, ...pathInputs(PATH)],
                rule: { id: 'evaluation.comment.by-leader-above-or-contact-point', version: 1 },
                checks: cycleChecks,
                reason: '季度点评',
              },
            },
          },
        ]));
    it('records a comment on a closed cycle: a quarter is commented on after it closes too', () =>
      spec
        .given([])
        .when(onCycle(cycleRead({ status: 'closed' })))
        .thenMatches((e) => expect(e[0]).toMatchObject({ data: { cycleId: CYCLE, decision: { checks: cycleChecks } } })));
    it('records a comment naming no cycle as before: no campaign read, no cycle checks', () =>
      spec
        .given([])
        .when(onCycle(null, null))
        .thenMatches((e) => expect((e[0]!.data as { decision: object }).decision).not.toHaveProperty('checks')));
    it('refuses a cycle that no campaign plans', () =>
      spec.given([]).when(onCycle(null)).thenRefuses(CommentNamesACycleOfTheOrganisationsCampaignRule, 'COMMENT.UNKNOWN_CYCLE'));
    it('refuses a cycle of a campaign over another subtree, as it refuses an unknown one', () =>
      spec
        .given([])
        .when(onCycle(cycleRead({ campaignOrgId: OTHER_TOWNSHIP })))
        .thenRefuses(CommentNamesACycleOfTheOrganisationsCampaignRule, 'COMMENT.UNKNOWN_CYCLE'));
    it("refuses a planned cycle of another subtree's campaign as unknown (400), never as not opened (422): its status is not told", () =>
      spec
        .given([])
        .when(onCycle(cycleRead({ campaignOrgId: OTHER_TOWNSHIP, status: 'planned' })))
        .thenRefuses(CommentNamesACycleOfTheOrganisationsCampaignRule, 'COMMENT.UNKNOWN_CYCLE'));
    it('refuses a caller without the right before it judges the cycle: the handler skips the cycle lookup for them', () => {
      const command = make({ sub: 'village.secretary', role: 'branch_secretary', orgId: VILLAGE }) as Extract<
        CommentCommand,
        { type: 'MakeLeaderComment' }
      >;
      spec
        .given([])
        .when({ ...command, data: { ...command.data, cycleId: CYCLE, cycle: null } })
        .thenRefuses(CommentIsByALeaderAboveOrTheContactPointRule, 'COMMENT.NOT_ENTITLED');
    });
    it('refuses a cycle only planned, not opened yet', () =>
      spec
        .given([])
        .when(onCycle(cycleRead({ status: 'planned' })))
        .thenRefuses(CommentIsOnACycleThatHasOpenedRule, 'COMMENT.CYCLE_NOT_OPENED'));
    it('refuses an unknown cycle on a replay that recorded the rule, and lets it pass on one recorded before the rule', () => {
      const replayedWith = (ruleVersions: Record<string, number>) => {
        const command = onCycle(null) as Extract<CommentCommand, { type: 'MakeLeaderComment' }>;
        return { ...command, data: { ...command.data, ruleVersions } };
      };
      const right = { 'evaluation.comment.by-leader-above-or-contact-point': 1 };
      spec
        .given([])
        .when(replayedWith({ ...right, 'evaluation.comment.cycle-of-campaign': 1 }))
        .thenRefuses(CommentNamesACycleOfTheOrganisationsCampaignRule);
      spec
        .given([])
        .when(replayedWith(right))
        .thenMatches((e) => expect(e[0]).toMatchObject({ data: { cycleId: CYCLE, decision: { inputs: pathInputs(PATH) } } }));
    });
  });

  it('confirms a rectification done on time, recording the comment and the path it read', () =>
    spec
      .given([made])
      .when(complete('2011-06-15'))
      .thenMatches((e) =>
        expect(e[0]).toMatchObject({
          type: 'evaluation.RectificationCompleted',
          data: {
            findingId: F1,
            onTime: true,
            decision: { inputs: [{ streamId: `comment-${COMMENT}`, version: 1 }, ...pathInputs(PATH)] },
          },
        }),
      ));
  it('records a late rectification as not on time', () =>
    spec
      .given([made])
      .when(complete('2011-07-02'))
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { onTime: false } })));
  it('is confirmed from above, not by the village itself', () =>
    spec
      .given([made])
      .when(complete('2011-06-15', { ...townshipSecretary, orgId: VILLAGE }))
      .thenRefuses(RectificationIsConfirmedFromAboveRule));
  it('confirms a rectification once', () => {
    const done: CommentEvent = {
      type: 'evaluation.RectificationCompleted',
      data: { commentId: COMMENT, findingId: F1, completedOn: '2011-06-15', onTime: true, decision: made.data.decision },
    };
    spec.given([made, done]).when(complete('2011-06-20')).thenRefuses(RectificationIsOpenRule);
  });

  it('marks each open rectification past its deadline overdue, once', () => {
    const overdueF2: CommentEvent = {
      type: 'evaluation.RectificationOverdue',
      data: { commentId: COMMENT, findingId: F2, deadline: '2011-05-31', markedOn: '2011-06-01' },
    };
    spec
      .given([made])
      .when({ type: 'MarkOverdueRectifications', data: { today: '2011-06-01' } })
      .then([overdueF2]);
    spec
      .given([made, overdueF2])
      .when({ type: 'MarkOverdueRectifications', data: { today: '2011-06-02' } })
      .then([]);
    spec
      .given([made])
      .when({ type: 'MarkOverdueRectifications', data: { today: '2011-05-31' } })
      .then([]);
  });
});
