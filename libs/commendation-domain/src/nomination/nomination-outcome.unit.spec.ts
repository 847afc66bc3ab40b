import { CommendationDecided, MAX_RECORDED_OBJECTIONS, type ContractData } from '@vanguard/contracts';
import { fold, RuleVersionUnknownError } from '@vanguard/kernel';
import { specificationFor } from '@vanguard/kernel/testing';
import {
  countyInspector,
  countyOrganizer,
  deeds,
  member,
  NOMINATION_ID,
  OBJECTION_ID,
  OTHER_NOMINATION_ID,
  PROGRAMME_ID,
  programmeFacts,
  steadyMemberFacts,
  systemSweep,
  townshipReviewer,
  townshipSecretary,
} from '../__fixtures__/commendation.fixtures';
import {
  countyEndorses,
  decided,
  decideIt,
  endorse,
  historyOf,
  reject,
  NOMINATION_STREAM,
  NOTICE_STREAM,
  noticeFacts,
  shortlisted,
  returnIt,
  submit,
  submitted,
  upheldObjection,
  withdraw,
} from '../__fixtures__/nomination.fixtures';
import type { NominationCommand } from './nomination.commands';
import { nominationDecider } from './nomination.decide';
import {
  AwardingBodyDecidesRule,
  DecisionGivesItsReasonRule,
  DecisionGivesItsReasonRuleV1,
  DecisionTextCarriesNoPersonalNumbersRule,
  DocumentNumberIsGivenRule,
  DocumentNumberIsGivenRuleV1,
  NoDecisionWhileAnObjectionIsOpenRule,
  NominationIsStandingRule,
  NomineeIsEligibleRule,
  NoticeRanItsFullPeriodRule,
  OnlyADecidedCommendationIsRevokedRule,
  OnlyAShortlistedNominationIsDecidedRule,
  WithdrawalFollowsAnUpheldObjectionRule,
} from './nomination.rules';

const spec = specificationFor(nominationDecider);
/** The data of the `CommendationDecided` a shortlisted nomination gets with these closed objections. */
const decidedWith = (closedObjections: { streamId: string; version: number }[]) =>
  nominationDecider.decide(decideIt({ closedObjections }), fold(nominationDecider, shortlisted()))[0]!.data as ContractData<
    typeof CommendationDecided
  >;
const revoke = (reason = '受到党纪处分', decidedBy = countyOrganizer, ruleVersions?: Record<string, number>): NominationCommand => ({
  type: 'RevokeCommendation',
  data: { decidedBy, reason, today: '2013-03-01', ...(ruleVersions ? { ruleVersions } : {}) },
});
const REASON_GIVEN = 'commendation.nomination.reason-given';
const NO_PERSONAL_NUMBERS = 'commendation.decision.no-personal-numbers';
const DOCUMENT_NUMBER = 'commendation.nomination.document-number';

describe('nominationDecider: withdrawal, decision and revocation', () => {
  describe('WithdrawNomination (异议成立)', () => {
    it('withdraws a shortlisted nomination when an objection to it is upheld, recording the objection read', () =>
      spec
        .given(shortlisted())
        .when(withdraw())
        .thenMatches((e) =>
          expect(e).toEqual([
            {
              type: 'commendation.NominationWithdrawn',
              data: {
                nominationId: NOMINATION_ID,
                programmeId: PROGRAMME_ID,
                objectionId: OBJECTION_ID,
                decision: {
                  decidedBy: countyInspector,
                  inputs: [
                    { streamId: NOMINATION_STREAM, version: 4 },
                    { streamId: `objection-${OBJECTION_ID}`, version: 3 },
                  ],
                  rule: { id: 'commendation.nomination.withdrawn-on-upheld-objection', version: 1 },
                  checks: [{ id: 'commendation.nomination.standing', version: 1 }],
                  reason: '经核查，所报事迹中道路硬化里程虚报',
                },
              },
            },
          ]),
        ));
    it('is not withdrawn on a dismissed objection', () =>
      spec
        .given(shortlisted())
        .when(withdraw(upheldObjection(false)))
        .thenRefuses(WithdrawalFollowsAnUpheldObjectionRule));
    it('is not withdrawn on an objection to another nomination', () =>
      spec
        .given(shortlisted())
        .when(withdraw(upheldObjection(true, OTHER_NOMINATION_ID)))
        .thenRefuses(WithdrawalFollowsAnUpheldObjectionRule));
    it('withdraws nothing more when a second objection is upheld, or one after a rejection: the objection concludes alone', () => {
      const withdrawnOnce = historyOf(submit(), endorse(), countyEndorses, withdraw());
      spec.given(withdrawnOnce).when(withdraw()).then([]);
      spec.given(historyOf(submit(), reject())).when(withdraw()).then([]);
      // Still only on an upheld objection to this nomination.
      spec
        .given(withdrawnOnce)
        .when(withdraw(upheldObjection(false)))
        .thenRefuses(WithdrawalFollowsAnUpheldObjectionRule);
    });
    it('is not withdrawn once decided (a decided commendation is revoked instead)', () =>
      spec.given(decided()).when(withdraw()).thenRefuses(NominationIsStandingRule));
  });

  describe('DecideCommendation (表彰决定)', () => {
    it('commends after the full notice with no objection open, by document number, recording the notice version read', () =>
      spec
        .given(shortlisted())
        .when(decideIt())
        .thenMatches((e) =>
          expect(e).toEqual([
            {
              type: 'commendation.CommendationDecided',
              data: {
                nominationId: NOMINATION_ID,
                programmeId: PROGRAMME_ID,
                category: 'outstanding_member',
                nominee: member,
                deedsSummary: deeds.summary,
                documentNumber: '通创组发〔2012〕5号',
                decidedOn: '2012-06-20',
                decision: {
                  decidedBy: countyOrganizer,
                  inputs: [
                    { streamId: NOMINATION_STREAM, version: 4 },
                    { streamId: NOTICE_STREAM, version: 1 },
                  ],
                  rule: { id: 'commendation.nomination.no-open-objection', version: 1 },
                  checks: [
                    'commendation.nomination.decide-shortlisted',
                    'commendation.nomination.awarding-body-decides',
                    'commendation.nomination.document-number',
                    'commendation.decision.no-personal-numbers',
                    'commendation.nomination.eligible',
                    'commendation.nomination.notice-ran-full-period',
                  ].map((id) => ({ id, version: id.endsWith('document-number') ? 2 : 1 })),
                  reason: '经公示无异议',
                },
              },
            },
          ]),
        ));
    it('records the objections it found closed, at the versions read, so a replay folds them (ADR 0080)', () =>
      spec
        .given(shortlisted())
        .when(decideIt({ closedObjections: [{ streamId: `objection-${OBJECTION_ID}`, version: 3 }] }))
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({ data: { decision: { objections: [{ streamId: `objection-${OBJECTION_ID}`, version: 3 }] } } }),
        ));
    it('records that it found no objection at all as an empty list, not as nothing recorded', () =>
      spec
        .given(shortlisted())
        .when(decideIt({ closedObjections: [] }))
        .thenMatches((e) => expect(e[0]).toMatchObject({ data: { decision: { objections: [] } } })));
    it('still publishes with more closed objections than the record holds: it records none, as a decision before ADR 0080', () => {
      // Objections are rate-limited, not capped: the 101st closed one made the event break its
      // contract, so the relay dead-lettered it (found in review).
      const closedObjections = Array.from({ length: MAX_RECORDED_OBJECTIONS + 1 }, (_, i) => ({
        streamId: `objection-01960000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        version: 3,
      }));
      const data = decidedWith(closedObjections);
      expect(CommendationDecided.schema.safeParse(data).success).toBe(true);
      expect(data.decision).not.toHaveProperty('objections');
    });
    it('records as many closed objections as the record holds', () => {
      const closedObjections = Array.from({ length: MAX_RECORDED_OBJECTIONS }, (_, i) => ({
        streamId: `objection-01960000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        version: 3,
      }));
      const data = decidedWith(closedObjections);
      expect(CommendationDecided.schema.safeParse(data).success).toBe(true);
      expect(data.decision.objections).toHaveLength(MAX_RECORDED_OBJECTIONS);
    });
    it('is refused while an objection is open', () =>
      spec
        .given(shortlisted())
        .when(decideIt({ openObjections: [{ streamId: `objection-${OBJECTION_ID}`, version: 2 }] }))
        .thenRefuses(NoDecisionWhileAnObjectionIsOpenRule));
    it('is refused on the notice’s last day', () =>
      spec
        .given(shortlisted())
        .when(decideIt({ today: '2012-06-07' }))
        .thenRefuses(NoticeRanItsFullPeriodRule));
    it('is refused for a nomination not on the latest round of the notice', () =>
      spec
        .given(shortlisted())
        .when(decideIt({ notice: noticeFacts({ listed: false, round: 2 }) }))
        .thenRefuses(NoticeRanItsFullPeriodRule));
    it('is refused before any notice', () =>
      spec
        .given(shortlisted())
        .when(decideIt({ notice: noticeFacts({ round: 0, listed: false, endsOn: '' }) }))
        .thenRefuses(NoticeRanItsFullPeriodRule));
    it('is taken by the awarding body only', () =>
      spec
        .given(shortlisted())
        .when(decideIt({ decidedBy: townshipSecretary }))
        .thenRefuses(AwardingBodyDecidesRule));
    it('is taken only on a shortlisted nomination', () =>
      spec.given(historyOf(submit(), endorse())).when(decideIt()).thenRefuses(OnlyAShortlistedNominationIsDecidedRule));
    it('carries a document number', () =>
      spec
        .given(shortlisted())
        .when(decideIt({ documentNumber: ' ' }))
        .thenRefuses(DocumentNumberIsGivenRule));
    it.each([
      ['a zero-width space', '\u200b'],
      ['a BOM, a word joiner and a soft hyphen', '\ufeff\u2060\u00ad'],
      ['a Braille blank', '\u2800'],
    ])('refuses a document number that is %s, which would print as no 文号 (document-number v2, ADR 0127)', (_, documentNumber) =>
      spec.given(shortlisted()).when(decideIt({ documentNumber })).thenRefuses(DocumentNumberIsGivenRule),
    );
    it('runs document-number version 1 when a replay names it: an invisible number passed it, padding did not', () => {
      spec
        .given(shortlisted())
        .when(decideIt({ documentNumber: '\u200b', ruleVersions: { [DOCUMENT_NUMBER]: 1 } }))
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            data: { documentNumber: '\u200b', decision: { checks: expect.arrayContaining([{ id: DOCUMENT_NUMBER, version: 1 }]) } },
          }),
        );
      spec
        .given(shortlisted())
        .when(decideIt({ documentNumber: ' 通创组发〔2012〕5号', ruleVersions: { [DOCUMENT_NUMBER]: 1 } }))
        .thenRefuses(DocumentNumberIsGivenRuleV1);
      spec
        .given(shortlisted())
        .when(decideIt({ documentNumber: ' 通创组发〔2012〕5号' }))
        .thenRefuses(DocumentNumberIsGivenRule);
    });
    it('throws for a document-number version this code lacks', () =>
      expect(() =>
        nominationDecider.decide(decideIt({ ruleVersions: { [DOCUMENT_NUMBER]: 3 } }), fold(nominationDecider, shortlisted())),
      ).toThrow(RuleVersionUnknownError));
    it('is refused when the latest check found the nominee ineligible', () => {
      const recheck: NominationCommand = {
        type: 'CheckEligibility',
        data: { programme: programmeFacts(), eligibility: steadyMemberFacts, decidedBy: systemSweep },
      };
      spec
        .given(historyOf(submit(), endorse(), countyEndorses, recheck))
        .when(decideIt())
        .thenRefuses(NomineeIsEligibleRule);
    });
    it('is taken once', () => spec.given(decided()).when(decideIt()).thenRefuses(OnlyAShortlistedNominationIsDecidedRule));
  });

  describe('RevokeCommendation (撤销)', () => {
    it('revokes a decided commendation with a reason, naming the decision revoked', () =>
      spec
        .given(decided())
        .when(revoke())
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            type: 'commendation.CommendationRevoked',
            data: {
              documentNumber: '通创组发〔2012〕5号',
              revokedOn: '2013-03-01',
              decision: { reason: '受到党纪处分', inputs: [{ streamId: NOMINATION_STREAM, version: 5 }] },
            },
          }),
        ));
    it('is not revoked without a reason', () => spec.given(decided()).when(revoke(' ')).thenRefuses(DecisionGivesItsReasonRule));
    it('is not revoked with a reason that shows nothing (reason-given v2, ADR 0127)', () => {
      spec.given(decided()).when(revoke('\u200b')).thenRefuses(DecisionGivesItsReasonRule);
      spec.given(decided()).when(revoke('\u2060\ufeff\u00ad')).thenRefuses(DecisionGivesItsReasonRule);
    });
    it('records reason-given at version 2, and runs version 1 when a replay names it', () => {
      spec
        .given(decided())
        .when(revoke())
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            data: {
              decision: {
                checks: [
                  { id: 'commendation.nomination.revoke-decided', version: 1 },
                  { id: REASON_GIVEN, version: 2 },
                  { id: NO_PERSONAL_NUMBERS, version: 1 },
                ],
              },
            },
          }),
        );
      spec
        .given(decided())
        .when(revoke('\u200b', countyOrganizer, { [REASON_GIVEN]: 1 }))
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            type: 'commendation.CommendationRevoked',
            data: {
              decision: {
                reason: '\u200b',
                checks: [
                  { id: 'commendation.nomination.revoke-decided', version: 1 },
                  { id: REASON_GIVEN, version: 1 },
                ],
              },
            },
          }),
        );
      spec
        .given(decided())
        .when(revoke(' ', countyOrganizer, { [REASON_GIVEN]: 1 }))
        .thenRefuses(DecisionGivesItsReasonRuleV1);
      expect(() =>
        nominationDecider.decide(revoke('受到党纪处分', countyOrganizer, { [REASON_GIVEN]: 9 }), fold(nominationDecider, decided())),
      ).toThrow(RuleVersionUnknownError);
    });
    // Kept for ever and shown on the public 光荣榜 history: a probe put an ID-card and a phone number there through a revocation.
    it('is not revoked, returned, rejected or decided with an ID-card or phone number in its reason or document number', () => {
      spec
        .given(decided())
        .when(revoke('经查，张明（身份证号152522198001011234）冒用他人事迹'))
        .thenRefuses(DecisionTextCarriesNoPersonalNumbersRule);
      spec.given(decided()).when(revoke('举报人电话一三八〇〇一三八〇〇〇')).thenRefuses(DecisionTextCarriesNoPersonalNumbersRule);
      spec
        .given(shortlisted())
        .when(decideIt({ documentNumber: '通创组发13812345678号' }))
        .thenRefuses(DecisionTextCarriesNoPersonalNumbersRule);
      spec
        .given(shortlisted())
        .when(decideIt({ reason: '联系人138 0013 8000' }))
        .thenRefuses(DecisionTextCarriesNoPersonalNumbersRule);
      spec
        .given(submitted())
        .when(returnIt(townshipReviewer, '请补充，电话13800138000'))
        .thenRefuses(DecisionTextCarriesNoPersonalNumbersRule);
      spec
        .given(submitted())
        .when({ type: 'RejectNomination', data: { decidedBy: townshipReviewer, reason: '身份证152522198001011234不符' } })
        .thenRefuses(DecisionTextCarriesNoPersonalNumbersRule);
    });
    it('replays a revocation recorded before that rule shipped as it ran: without it', () =>
      spec
        .given(decided())
        .when(revoke('电话13800138000', countyOrganizer, { 'commendation.nomination.revoke-decided': 1, [REASON_GIVEN]: 2 }))
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            type: 'commendation.CommendationRevoked',
            data: {
              decision: {
                checks: [
                  { id: 'commendation.nomination.revoke-decided', version: 1 },
                  { id: REASON_GIVEN, version: 2 },
                ],
              },
            },
          }),
        ));
    it('is revoked by the awarding body only', () =>
      spec.given(decided()).when(revoke('x', townshipSecretary)).thenRefuses(AwardingBodyDecidesRule));
    it('revokes only a decided commendation, and once', () => {
      spec.given(shortlisted()).when(revoke()).thenRefuses(OnlyADecidedCommendationIsRevokedRule);
      spec
        .given(historyOf(submit(), endorse(), countyEndorses, decideIt(), revoke()))
        .when(revoke())
        .thenRefuses(OnlyADecidedCommendationIsRevokedRule);
    });
  });
});
