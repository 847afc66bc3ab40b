import { fold, RuleVersionUnknownError, type DomainEvent } from '@vanguard/kernel';
import { idsOf } from '../org-path';
import { reviewDecider } from '../review/review.decide';
import { BranchConcludesForItsMembersRule, ConcluderDoesNotApproveRule } from '../review/review.rules';
import {
  assessed,
  ballots,
  CAMPAIGN_STREAM,
  campaignHistory,
  comment,
  conclude,
  county,
  cycleRead,
  kept,
  PROVINCE,
  COUNTY,
  record,
  reviewer,
  submitted,
  township,
  uuid,
  village,
  VILLAGE,
  VILLAGE_PATH,
} from './recorded-decisions.fixture';
import { PathNotRecordedError, replayDecision, streamsToRead } from './replay-decision';

describe(`${replayDecision.name} after rules changed`, () => {
  describe('after a rule’s new version shipped', () => {
    it('given a conclusion taken by the county under branch-concludes v1, when replayed, then v1 runs and matches, where v2 in force refuses', () => {
      const concludedUnderV1 = record(reviewDecider, [
        submitted,
        ballots,
        {
          type: 'ConcludeReview',
          data: { ...conclude.data, decidedBy: county, ruleVersions: { 'evaluation.review.branch-concludes': 1 } },
        },
      ]);

      const sut = replayDecision(concludedUnderV1, 2);

      expect(sut).toMatchObject({ matches: true, ruleVersions: { 'evaluation.review.branch-concludes': 1 } });
      expect(() =>
        reviewDecider.decide(
          { type: 'ConcludeReview', data: { ...conclude.data, decidedBy: county } },
          fold(reviewDecider, concludedUnderV1.slice(0, 2)),
        ),
      ).toThrow(expect.objectContaining({ code: new BranchConcludesForItsMembersRule(county, []).code }));
    });

    it('given an approval by the one who concluded under approved-above v1, when replayed, then v1 runs without the later concluder rule', () => {
      const onePerson = { ...village, sub: 'one.person' };
      const history = record(reviewDecider, [
        submitted,
        { ...ballots, data: { ...ballots.data, decidedBy: onePerson } },
        { ...conclude, data: { ...conclude.data, decidedBy: onePerson } },
      ]);
      const approval = { decidedBy: { ...reviewer, sub: 'one.person' }, memberOrgPath: VILLAGE_PATH, reason: '同意' };
      const approvedUnderV1 = record(
        reviewDecider,
        [{ type: 'ApproveReview', data: { ...approval, ruleVersions: { 'evaluation.review.approved-above': 1 } } }],
        history,
      );

      expect(replayDecision(approvedUnderV1, 3).matches).toBe(true);
      expect(() => reviewDecider.decide({ type: 'ApproveReview', data: approval }, fold(reviewDecider, history))).toThrow(
        expect.objectContaining({ code: new ConcluderDoesNotApproveRule(approval.decidedBy, null).code }),
      );
    });

    it('given assessments under tier rule v1 and v2, when replayed, then each runs its recorded version', () => {
      expect(replayDecision(assessed, 0, { satisfactionPermille: 650 }).ruleVersions['evaluation.assessment.tier']).toBe(1);
      expect(replayDecision(assessed, 1, { satisfactionPermille: 650 }).ruleVersions['evaluation.assessment.tier']).toBe(2);
    });

    it('given a decision naming a rule version this code lacks, when replayed, then it is refused, not run under the version in force', () => {
      const filed = kept[1]!;
      const decision = (filed.data as { decision: { rule: object } }).decision;
      const fromTheFuture = [
        kept[0]!,
        {
          ...filed,
          data: { ...filed.data, decision: { ...decision, rule: { id: 'evaluation.pledge.filed-by-level-above', version: 2 } } },
        },
      ];

      expect(() => replayDecision(fromTheFuture, 1)).toThrow(RuleVersionUnknownError);
    });
  });

  describe('decisions recorded before paths and checks were', () => {
    const legacy = (event: DomainEvent): DomainEvent => {
      const { checks: _checks, ...decision } = (event.data as { decision: { checks?: unknown; inputs: { streamId: string }[] } }).decision;
      return {
        ...event,
        data: {
          ...(event.data as object),
          decision: { ...decision, inputs: decision.inputs.filter((i) => !i.streamId.startsWith('organization-')) },
        },
      };
    };

    it('given a legacy conclusion by the county (branch-concludes v1 then), when replayed with the path supplied, then it matches', () => {
      const concludedByCounty = record(reviewDecider, [
        submitted,
        ballots,
        {
          type: 'ConcludeReview',
          data: { ...conclude.data, decidedBy: county, ruleVersions: { 'evaluation.review.branch-concludes': 1 } },
        },
      ]);
      const stream = [...concludedByCounty.slice(0, 2), legacy(concludedByCounty[2]!)];

      expect(replayDecision(stream, 2, { legacyOrgPath: idsOf(VILLAGE_PATH) }).matches).toBe(true);
    });

    it('given a legacy filing without the path supplied, when replayed, then it says the path is missing', () => {
      const stream = [kept[0]!, legacy(kept[1]!)];

      expect(() => replayDecision(stream, 1)).toThrow(PathNotRecordedError);
      expect(replayDecision(stream, 1, { legacyOrgPath: idsOf(VILLAGE_PATH) }).matches).toBe(true);
    });

    it('given a legacy filing and a path that would not have allowed it, when replayed, then the refusal is reported', () => {
      const stream = [kept[0]!, legacy(kept[1]!)];

      expect(replayDecision(stream, 1, { legacyOrgPath: [PROVINCE, COUNTY, uuid(99), VILLAGE] })).toMatchObject({
        matches: false,
        refusal: 'PLEDGE.NOT_LEVEL_ABOVE',
      });
    });
  });

  describe('after the cycle rules of a comment shipped (ADR 0138)', () => {
    const onCycle = comment(null, township, cycleRead);
    const withData = (e: DomainEvent, change: (d: Record<string, unknown>) => Record<string, unknown>): DomainEvent => ({
      ...e,
      data: change(e.data as Record<string, unknown>),
    });

    it('given a comment recorded before them, naming a cycle no campaign read shows, when replayed, then it runs without them and matches', () => {
      // As the service recorded it then: the cycle id taken as given, no campaign read, no checks.
      const before = withData(onCycle[0]!, (d) => {
        const { checks: _checks, ...decision } = d['decision'] as { checks?: unknown; inputs: { streamId: string }[] };
        return {
          ...d,
          cycleId: uuid(98),
          decision: { ...decision, inputs: decision.inputs.filter((i) => i.streamId !== CAMPAIGN_STREAM) },
        };
      });

      expect(streamsToRead(before)).toEqual([]);
      const sut = replayDecision([before], 0);
      expect(sut.refusal).toBeNull();
      expect(sut.matches).toBe(true);
    });

    it('given a comment on a cycle, when replayed, then the campaign stream is read at the recorded version and the cycle checked again', () => {
      expect(streamsToRead(onCycle[0]!)).toEqual([{ streamId: CAMPAIGN_STREAM, version: 3 }]);
      expect(replayDecision(onCycle, 0, { streamsRead: { [CAMPAIGN_STREAM]: campaignHistory } }).matches).toBe(true);
    });

    it('given a comment whose recorded cycle was rewritten, when replayed, then the campaign read refuses it', () => {
      const rewritten = withData(onCycle[0]!, (d) => ({ ...d, cycleId: uuid(98) }));

      expect(replayDecision([rewritten], 0, { streamsRead: { [CAMPAIGN_STREAM]: campaignHistory } })).toMatchObject({
        matches: false,
        refusal: 'COMMENT.UNKNOWN_CYCLE',
      });
    });
  });
});
