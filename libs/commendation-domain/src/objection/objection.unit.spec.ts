import { commendationContracts } from '@vanguard/contracts';
import { fold, RuleVersionUnknownError } from '@vanguard/kernel';
import { specificationFor } from '@vanguard/kernel/testing';
import {
  CITY,
  COUNTY,
  countyInspector,
  countyOrganizer,
  NOMINATION_ID,
  OBJECTION_ID,
  OTHER_NOMINATION_ID,
  OTHER_TOWNSHIP,
  PROGRAMME_ID,
  PROVINCE,
  townshipSecretary,
} from '../__fixtures__/commendation.fixtures';
import type { NoticeForObjection, ObjectionCommand } from './objection.commands';
import { objectionDecider } from './objection.decide';
import type { ObjectionEvent } from './objection.events';
import { objectionOutcome } from './objection.facts';
import {
  FindingsAreGivenRule,
  FindingsAreGivenRuleV1,
  InvestigatorIsAnInspectorRule,
  ObjectionConcernsANoticedNominationRule,
  ObjectionGroundsCarryNoPersonalNumbersRule,
  ObjectionGroundsCarryNoPersonalNumbersRuleV1,
  ObjectionIsAssignedByTheAwardingBodyRule,
  ObjectionIsConcludedByItsInvestigatorRule,
  ObjectionIsFiledOnceRule,
  ObjectionIsFiledWhileTheNoticeRunsRule,
  ObjectionIsOpenRule,
  ObjectionIsReassignedToAnotherInvestigatorRule,
  ObjectionIsUnderInvestigationRule,
  ObjectionStatesItsGroundsRule,
  ObjectionStatesItsGroundsRuleV1,
  TrackingCodeIsWellFormedRule,
} from './objection.rules';
import { isOpenObjection } from './objection.state';

const spec = specificationFor(objectionDecider);
const STREAM = `objection-${OBJECTION_ID}`;
const AWARDING_PATH = [PROVINCE, CITY, COUNTY];
const notice: NoticeForObjection = {
  streamId: `public-notice-${PROGRAMME_ID}`,
  version: 1,
  programmeId: PROGRAMME_ID,
  awardingOrgId: COUNTY,
  round: 1,
  startsOn: '2012-06-01',
  endsOn: '2012-06-07',
  listed: [NOMINATION_ID, OTHER_NOMINATION_ID],
};
const file = (data: Partial<Extract<ObjectionCommand, { type: 'FileObjection' }>['data']> = {}): ObjectionCommand => ({
  type: 'FileObjection',
  data: {
    objectionId: OBJECTION_ID,
    trackingCode: 'K7QD-2M9X-41PA',
    nominationId: NOMINATION_ID,
    named: false,
    hasContact: true,
    grounds: '所报道路硬化 2.5 公里与实际不符，实际约 1 公里',
    today: '2012-06-05',
    notice,
    ...data,
  },
});
const filed: ObjectionEvent = {
  type: 'commendation.ObjectionFiled',
  data: {
    objectionId: OBJECTION_ID,
    programmeId: PROGRAMME_ID,
    nominationId: NOMINATION_ID,
    awardingOrgId: COUNTY,
    trackingCode: 'K7QD-2M9X-41PA',
    named: false,
    hasContact: true,
    grounds: '所报道路硬化 2.5 公里与实际不符，实际约 1 公里',
    filedOn: '2012-06-05',
    notice: { streamId: `public-notice-${PROGRAMME_ID}`, version: 1, round: 1 },
  },
};
const assign = (investigator = countyInspector, decidedBy = countyOrganizer, ruleVersions?: Record<string, number>): ObjectionCommand => ({
  type: 'AssignObjection',
  data: { decidedBy, investigator, awardingOrgPath: AWARDING_PATH, reason: '交县纪委核查', ...(ruleVersions ? { ruleVersions } : {}) },
});
const assigned: ObjectionEvent = {
  type: 'commendation.ObjectionAssigned',
  data: {
    objectionId: OBJECTION_ID,
    investigator: countyInspector,
    decision: {
      decidedBy: countyOrganizer,
      inputs: [{ streamId: STREAM, version: 1 }],
      rule: { id: 'commendation.objection.investigator-inspector', version: 1 },
      checks: [
        'commendation.objection.open',
        'commendation.objection.assigned-by-awarding-body',
        'commendation.objection.reassigned-to-another',
      ].map((id) => ({ id, version: 1 })),
      reason: '交县纪委核查',
      orgPaths: [{ of: 'awarding-body', orgs: AWARDING_PATH.map((orgId) => ({ orgId })) }],
    },
  },
};
const uphold = (
  findings = '经实地核查，道路实际硬化 1.1 公里，事迹不实',
  decidedBy = countyInspector,
  ruleVersions?: Record<string, number>,
): ObjectionCommand => ({
  type: 'UpholdObjection',
  data: { decidedBy, findings, ...(ruleVersions ? { ruleVersions } : {}) },
});
const dismiss = (findings = '经实地核查，道路硬化 2.5 公里属实', ruleVersions?: Record<string, number>): ObjectionCommand => ({
  type: 'DismissObjection',
  data: { decidedBy: countyInspector, findings, ...(ruleVersions ? { ruleVersions } : {}) },
});
const GROUNDS_STATED = 'commendation.objection.grounds-stated';
const GROUNDS_NUMBERS = 'commendation.objection.no-personal-numbers';
const FINDINGS_GIVEN = 'commendation.objection.findings-given';
/** Texts a reader sees as nothing that `trim()` keeps (ADR 0127). */
const INVISIBLE: [string, string][] = [
  ['a zero-width space', '\u200b'],
  ['a BOM and a word joiner', '\ufeff\u2060'],
  ['a soft hyphen between spaces', ' \u00ad\u3000'],
  ['Braille and Hangul blanks', '\u2800\u3164'],
];

describe('objectionDecider (异议)', () => {
  describe('FileObjection', () => {
    it('is filed during the notice with a tracking code, and carries no name or contact of the objector', () =>
      spec.given([]).when(file()).then([filed]));
    it('may be named', () =>
      spec
        .given([])
        .when(file({ named: true }))
        .thenMatches((e) => expect(e[0]!.data).toMatchObject({ named: true })));
    it('is refused before the notice starts', () =>
      spec
        .given([])
        .when(file({ today: '2012-05-31' }))
        .thenRefuses(ObjectionIsFiledWhileTheNoticeRunsRule));
    it('is taken on the notice’s last day and refused the day after', () => {
      spec
        .given([])
        .when(file({ today: '2012-06-07' }))
        .thenMatches((e) => expect(e).toHaveLength(1));
      spec
        .given([])
        .when(file({ today: '2012-06-08' }))
        .thenRefuses(ObjectionIsFiledWhileTheNoticeRunsRule);
    });
    it('concerns a nomination on the notice', () =>
      spec
        .given([])
        .when(file({ nominationId: '01960000-0000-7000-8000-0000000000c9' }))
        .thenRefuses(ObjectionConcernsANoticedNominationRule));
    it('states its grounds', () =>
      spec
        .given([])
        .when(file({ grounds: '  ' }))
        .thenRefuses(ObjectionStatesItsGroundsRule));
    it.each(INVISIBLE)('refuses grounds that are %s (grounds-stated v2, ADR 0127)', (_, grounds) =>
      spec.given([]).when(file({ grounds })).thenRefuses(ObjectionStatesItsGroundsRule),
    );
    it('runs grounds-stated version 1 when named: invisible grounds passed it, spaces did not; an unknown version throws', () => {
      spec
        .given([])
        .when(file({ grounds: '\u200b', ruleVersions: { [GROUNDS_STATED]: 1 } }))
        .thenMatches((e) => expect(e[0]).toMatchObject({ type: 'commendation.ObjectionFiled', data: { grounds: '\u200b' } }));
      spec
        .given([])
        .when(file({ grounds: '  ', ruleVersions: { [GROUNDS_STATED]: 1 } }))
        .thenRefuses(ObjectionStatesItsGroundsRuleV1);
      expect(() => objectionDecider.decide(file({ ruleVersions: { [GROUNDS_STATED]: 3 } }), objectionDecider.initialState())).toThrow(
        RuleVersionUnknownError,
      );
    });
    it('keeps phone numbers out of the grounds (they belong in the contact, kept apart)', () =>
      spec
        .given([])
        .when(file({ grounds: '情况属实，请联系我 13912345678' }))
        .thenRefuses(ObjectionGroundsCarryNoPersonalNumbersRule));
    it('keeps out a number however written, as a page would show it (version 2); version 1 read the stored text only', () => {
      // A probe filed each of these past version 1, into the store and the audit timeline for good.
      for (const grounds of [
        '举报人电话1\u200b3800138000',
        '举报人电话138.0013.8000',
        '举报人电话一三八〇〇一三八〇〇〇',
        '户主张三一三八〇〇一三八〇〇〇',
      ])
        spec.given([]).when(file({ grounds })).thenRefuses(ObjectionGroundsCarryNoPersonalNumbersRule);
      spec
        .given([])
        .when(file({ grounds: '举报人电话138.0013.8000', ruleVersions: { [GROUNDS_NUMBERS]: 1 } }))
        .thenMatches((e) => expect(e[0]).toMatchObject({ type: 'commendation.ObjectionFiled' }));
      spec
        .given([])
        .when(file({ grounds: '情况属实，请联系我 13912345678', ruleVersions: { [GROUNDS_NUMBERS]: 1 } }))
        .thenRefuses(ObjectionGroundsCarryNoPersonalNumbersRuleV1);
      expect(() => objectionDecider.decide(file({ ruleVersions: { [GROUNDS_NUMBERS]: 3 } }), objectionDecider.initialState())).toThrow(
        RuleVersionUnknownError,
      );
    });
    it('carries a well-formed tracking code', () =>
      spec
        .given([])
        .when(file({ trackingCode: 'abc' }))
        .thenRefuses(TrackingCodeIsWellFormedRule));
    it('is filed once', () => spec.given([filed]).when(file()).thenRefuses(ObjectionIsFiledOnceRule));
  });

  describe('AssignObjection', () => {
    it('is assigned by the awarding body to its inspector', () => spec.given([filed]).when(assign()).then([assigned]));
    it('may go to an inspector above the awarding body', () =>
      spec
        .given([filed])
        .when(assign({ ...countyInspector, orgId: CITY }))
        .thenMatches((e) => expect(e[0]!.data).toMatchObject({ investigator: { orgId: CITY } })));
    it('is not given to someone without the inspector role', () =>
      spec
        .given([filed])
        .when(assign({ ...countyInspector, role: 'organizer' }))
        .thenRefuses(InvestigatorIsAnInspectorRule));
    it('is not given to an inspector of a unit below the awarding body', () =>
      spec
        .given([filed])
        .when(assign({ ...countyInspector, orgId: OTHER_TOWNSHIP }))
        .thenRefuses(InvestigatorIsAnInspectorRule));
    it('is assigned by the awarding body, not a township', () =>
      spec.given([filed]).when(assign(countyInspector, townshipSecretary)).thenRefuses(ObjectionIsAssignedByTheAwardingBodyRule));
    it('may be reassigned while open', () =>
      spec
        .given([filed, assigned])
        .when(assign({ ...countyInspector, sub: 'county.inspector2' }))
        .thenMatches((e) => expect(e[0]!.data).toMatchObject({ investigator: { sub: 'county.inspector2' } })));
    it('is not assigned again to the investigator who has it: that records nothing', () =>
      spec.given([filed, assigned]).when(assign()).thenRefuses(ObjectionIsReassignedToAnotherInvestigatorRule));
    it('is not assigned again to the investigator it was reassigned to either', () =>
      spec
        .given([
          filed,
          assigned,
          { ...assigned, data: { ...assigned.data, investigator: { ...countyInspector, sub: 'county.inspector2' } } },
        ])
        .when(assign({ ...countyInspector, sub: 'county.inspector2' }))
        .thenRefuses(ObjectionIsReassignedToAnotherInvestigatorRule));
    it('replays an assignment recorded before that rule shipped (it named no such check) as it was: again to the same investigator', () =>
      spec
        .given([filed, assigned])
        .when(
          assign(countyInspector, countyOrganizer, {
            'commendation.objection.investigator-inspector': 1,
            'commendation.objection.open': 1,
            'commendation.objection.assigned-by-awarding-body': 1,
          }),
        )
        .thenMatches((e) =>
          expect(e).toEqual([
            {
              type: 'commendation.ObjectionAssigned',
              data: expect.objectContaining({
                investigator: countyInspector,
                decision: expect.objectContaining({
                  checks: ['commendation.objection.open', 'commendation.objection.assigned-by-awarding-body'].map((id) => ({
                    id,
                    version: 1,
                  })),
                }),
              }),
            },
          ]),
        ));
  });

  describe('UpholdObjection and DismissObjection', () => {
    it('keeps findings longer than a decision’s reason whole in the event, its reason cut to fit: both conclusions pass their contract', () => {
      const findings = `经实地核查${'情况属实，'.repeat(600)}`;
      for (const command of [uphold(findings), dismiss(findings)])
        spec
          .given([filed, assigned])
          .when(command)
          .thenMatches(([event]) => {
            const contract = commendationContracts.find((c) => c.type === event!.type)!;
            expect(contract.schema.safeParse(event!.data).success).toBe(true);
            const data = event!.data as { findings: string; decision: { reason: string } };
            expect(data.findings).toBe(findings);
            expect([...data.decision.reason].length).toBe(2000);
            expect(findings.startsWith(data.decision.reason.slice(0, -1))).toBe(true);
          });
    });

    it('is upheld by its investigator with findings, which the nomination’s withdrawal reads', () => {
      spec
        .given([filed, assigned])
        .when(uphold())
        .thenMatches((e) =>
          expect(e).toEqual([
            {
              type: 'commendation.ObjectionUpheld',
              data: {
                objectionId: OBJECTION_ID,
                programmeId: PROGRAMME_ID,
                nominationId: NOMINATION_ID,
                findings: '经实地核查，道路实际硬化 1.1 公里，事迹不实',
                decision: {
                  decidedBy: countyInspector,
                  inputs: [{ streamId: STREAM, version: 2 }],
                  rule: { id: 'commendation.objection.concluded-by-investigator', version: 1 },
                  checks: [
                    { id: 'commendation.objection.under-investigation', version: 1 },
                    { id: 'commendation.objection.findings-given', version: 2 },
                  ],
                  reason: '经实地核查，道路实际硬化 1.1 公里，事迹不实',
                },
              },
            },
          ]),
        );
      const after = fold(objectionDecider, [
        filed,
        assigned,
        ...objectionDecider.decide(uphold(), fold(objectionDecider, [filed, assigned])),
      ]);
      expect([isOpenObjection(after.status), objectionOutcome(after)]).toEqual([
        false,
        {
          objectionId: OBJECTION_ID,
          streamId: STREAM,
          version: 3,
          nominationId: NOMINATION_ID,
          upheld: true,
          findings: '经实地核查，道路实际硬化 1.1 公里，事迹不实',
        },
      ]);
    });
    it('is dismissed by its investigator with findings', () =>
      spec
        .given([filed, assigned])
        .when(dismiss())
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({ type: 'commendation.ObjectionDismissed', data: { findings: '经实地核查，道路硬化 2.5 公里属实' } }),
        ));
    it('is concluded only by the investigator assigned', () =>
      spec
        .given([filed, assigned])
        .when(uphold('x', { ...countyInspector, sub: 'another.inspector' }))
        .thenRefuses(ObjectionIsConcludedByItsInvestigatorRule));
    it('is not concluded before it is assigned', () => spec.given([filed]).when(uphold()).thenRefuses(ObjectionIsUnderInvestigationRule));
    it('gives its findings', () => spec.given([filed, assigned]).when(dismiss(' ')).thenRefuses(FindingsAreGivenRule));
    it.each(INVISIBLE)('gives findings a reader can see, not %s (findings-given v2, ADR 0127)', (_, findings) => {
      spec.given([filed, assigned]).when(uphold(findings)).thenRefuses(FindingsAreGivenRule);
      spec.given([filed, assigned]).when(dismiss(findings)).thenRefuses(FindingsAreGivenRule);
    });
    it('runs findings-given version 1 when a replay names it: invisible findings were findings then, and are recorded as such', () => {
      spec
        .given([filed, assigned])
        .when(dismiss('\u200b', { [FINDINGS_GIVEN]: 1 }))
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            type: 'commendation.ObjectionDismissed',
            data: {
              findings: '\u200b',
              decision: {
                reason: '\u200b',
                checks: [
                  { id: 'commendation.objection.under-investigation', version: 1 },
                  { id: FINDINGS_GIVEN, version: 1 },
                ],
              },
            },
          }),
        );
      spec
        .given([filed, assigned])
        .when(uphold(' ', countyInspector, { [FINDINGS_GIVEN]: 1 }))
        .thenRefuses(FindingsAreGivenRuleV1);
      spec
        .given([filed, assigned])
        .when(uphold('\u200b', countyInspector, { [FINDINGS_GIVEN]: 2 }))
        .thenRefuses(FindingsAreGivenRule);
    });
    it('throws for a findings-given version this code lacks', () =>
      expect(() => objectionDecider.decide(dismiss(undefined, { [FINDINGS_GIVEN]: 3 }), fold(objectionDecider, [filed, assigned]))).toThrow(
        RuleVersionUnknownError,
      ));
    it('is concluded once, and not reassigned afterwards', () => {
      const concluded = objectionDecider.decide(dismiss(), fold(objectionDecider, [filed, assigned]));
      spec
        .given([filed, assigned, ...concluded])
        .when(uphold())
        .thenRefuses(ObjectionIsUnderInvestigationRule);
      spec
        .given([filed, assigned, ...concluded])
        .when(assign())
        .thenRefuses(ObjectionIsOpenRule);
    });
    it('is open while filed or assigned', () =>
      expect((['none', 'filed', 'assigned', 'upheld', 'dismissed'] as const).map(isOpenObjection)).toEqual([
        false,
        true,
        true,
        false,
        false,
      ]));
  });
});
